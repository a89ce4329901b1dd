/*
 * fstree.c — copying and removing directory trees without ever following a
 * symbolic link, and making the directories of a path. See fstree.h.
 *
 * Everything below a starting directory is reached through openat() and its
 * relatives on an open directory descriptor, with O_NOFOLLOW, so that a
 * symlink planted in a tree (a data directory the server user owns) can
 * never redirect a copy or a removal outside it. A copy walks the tree
 * first (directories and links made at once), then copies the regular files
 * on a thread per processor, in the kernel (copy_file_range) where it can.
 */
#include "fstree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define COPY_BUFFER_BYTES (256 * 1024)
#define MOST_COPY_THREADS 4

/* A regular file to copy: found by the walk, copied by the workers. */
typedef struct file_job {
    int from_dir, to_dir; /* open until the copy ends (tree_copy.dirs) */
    char *name;
    mode_t mode;
} file_job;

typedef struct tree_copy {
    bool chown_files; /* give every copy to uid:gid */
    uid_t uid;
    gid_t gid;
    file_job *files;
    size_t file_count, file_capacity;
    int *dirs; /* every directory descriptor the jobs name */
    size_t dir_count, dir_capacity;
    pthread_mutex_t lock; /* guards next and error */
    size_t next;          /* the next job to take */
    int error;            /* the first failure's errno; 0 while none */
} tree_copy;

static bool keep_dir(tree_copy *copy, int fd)
{
    if (copy->dir_count == copy->dir_capacity) {
        size_t capacity = copy->dir_capacity ? 2 * copy->dir_capacity : 32;
        int *dirs = realloc(copy->dirs, capacity * sizeof *dirs);
        if (!dirs)
            return false;
        copy->dirs = dirs;
        copy->dir_capacity = capacity;
    }
    copy->dirs[copy->dir_count++] = fd;
    return true;
}

static int add_file(tree_copy *copy, int from_dir, int to_dir, const char *name, mode_t mode)
{
    if (copy->file_count == copy->file_capacity) {
        size_t capacity = copy->file_capacity ? 2 * copy->file_capacity : 256;
        file_job *files = realloc(copy->files, capacity * sizeof *files);
        if (!files)
            return -1;
        copy->files = files;
        copy->file_capacity = capacity;
    }
    char *owned = strdup(name);
    if (!owned)
        return -1;
    copy->files[copy->file_count++] = (file_job){from_dir, to_dir, owned, mode};
    return 0;
}

/* Bytes [offset, end) of `in` to the same place in `out`: in the kernel when it can. */
static int copy_range(int in, int out, off_t offset, off_t end, char *buffer)
{
    bool in_kernel = true;
    while (offset < end) {
        size_t want = (size_t)(end - offset);
        ssize_t n;
        if (in_kernel) {
            off_t from = offset, to = offset;
            n = copy_file_range(in, &from, out, &to, want, 0);
            if (n < 0 &&
                (errno == EXDEV || errno == ENOSYS || errno == EOPNOTSUPP || errno == EINVAL)) {
                in_kernel = false; /* another file system, or an old kernel */
                continue;
            }
        } else {
            n = pread(in, buffer, want < COPY_BUFFER_BYTES ? want : COPY_BUFFER_BYTES, offset);
            for (ssize_t written = 0; n > 0 && written < n;) {
                ssize_t w = pwrite(out, buffer + written, (size_t)(n - written), offset + written);
                if (w < 0 && errno != EINTR)
                    return -1;
                written += w > 0 ? w : 0;
            }
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break; /* it shrank meanwhile: copy what there is */
        offset += n;
    }
    return 0;
}

/* The contents of one regular file; its holes stay holes. */
static int copy_file_data(int in, int out, char *buffer)
{
    struct stat st;
    if (fstat(in, &st) < 0)
        return -1;
    off_t size = st.st_size;
    for (off_t offset = 0; offset < size;) {
        off_t data = lseek(in, offset, SEEK_DATA);
        if (data < 0 && errno == ENXIO)
            break; /* a hole to the end */
        off_t hole = data < 0 ? size : lseek(in, data, SEEK_HOLE);
        if (data < 0) /* no SEEK_DATA here: all of it is data */
            data = offset;
        if (hole < 0 || hole > size)
            hole = size;
        if (copy_range(in, out, data, hole, buffer) < 0)
            return -1;
        offset = hole;
    }
    return ftruncate(out, size);
}

static int copy_one_file(const tree_copy *copy, const file_job *job, char *buffer)
{
    int in = openat(job->from_dir, job->name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (in < 0)
        return -1;
    int out = openat(job->to_dir, job->name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                     job->mode);
    int rc = out < 0 ? -1 : copy_file_data(in, out, buffer);
    if (rc == 0 && copy->chown_files && fchown(out, copy->uid, copy->gid) < 0)
        rc = -1;
    int saved = errno;
    close(in);
    if (out >= 0 && close(out) < 0 && rc == 0)
        return -1;
    errno = saved;
    return rc;
}

/* A worker: takes jobs until none is left or one failed. */
static void *copy_files(void *context)
{
    tree_copy *copy = context;
    char *buffer = malloc(COPY_BUFFER_BYTES);
    for (;;) {
        pthread_mutex_lock(&copy->lock);
        size_t job = copy->error || !buffer ? copy->file_count : copy->next++;
        if (!buffer && !copy->error)
            copy->error = ENOMEM;
        pthread_mutex_unlock(&copy->lock);
        if (job >= copy->file_count)
            break;
        if (copy_one_file(copy, &copy->files[job], buffer) < 0) {
            int failure = errno ? errno : EIO;
            pthread_mutex_lock(&copy->lock);
            if (!copy->error)
                copy->error = failure;
            pthread_mutex_unlock(&copy->lock);
        }
    }
    free(buffer);
    return NULL;
}

/*
 * Copies the files the walk found on up to MOST_COPY_THREADS threads (one
 * per processor): copying a data directory is memory-bound, and a second
 * core halves it. The threads block every signal, which stays the caller's.
 */
static int copy_all_files(tree_copy *copy)
{
    long processors = sysconf(_SC_NPROCESSORS_ONLN);
    size_t wanted = processors > 1 ? (size_t)processors : 1;
    if (wanted > MOST_COPY_THREADS)
        wanted = MOST_COPY_THREADS;
    if (wanted > copy->file_count / 8 + 1)
        wanted = copy->file_count / 8 + 1; /* a few files: not worth a thread */
    pthread_t threads[MOST_COPY_THREADS];
    size_t started = 0;
    sigset_t all, saved;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &saved);
    while (started + 1 < wanted && pthread_create(&threads[started], NULL, copy_files, copy) == 0)
        started++;
    pthread_sigmask(SIG_SETMASK, &saved, NULL);
    copy_files(copy); /* this thread too */
    for (size_t i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    if (copy->error) {
        errno = copy->error;
        return -1;
    }
    return 0;
}

static int walk_tree_at(tree_copy *copy, int from_dir, int to_dir);

/* Directories and links now; regular files become jobs for copy_all_files. */
static int walk_entry(tree_copy *copy, int from_dir, int to_dir, const char *name)
{
    struct stat st;
    if (fstatat(from_dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return -1;
    mode_t mode = st.st_mode & 07777;
    if (S_ISDIR(st.st_mode)) {
        if (mkdirat(to_dir, name, mode) < 0)
            return -1;
        int from = openat(from_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (from >= 0 && !keep_dir(copy, from)) {
            close(from);
            return -1;
        }
        int to = openat(to_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (to >= 0 && !keep_dir(copy, to)) {
            close(to);
            return -1;
        }
        if (from < 0 || to < 0)
            return -1;
        if (copy->chown_files && fchown(to, copy->uid, copy->gid) < 0)
            return -1;
        return walk_tree_at(copy, from, to);
    }
    if (S_ISLNK(st.st_mode)) {
        char target[PATH_MAX];
        ssize_t n = readlinkat(from_dir, name, target, sizeof target - 1);
        if (n < 0)
            return -1;
        target[n] = '\0';
        if (symlinkat(target, to_dir, name) < 0)
            return -1;
        if (copy->chown_files &&
            fchownat(to_dir, name, copy->uid, copy->gid, AT_SYMLINK_NOFOLLOW) < 0)
            return -1;
        return 0;
    }
    if (!S_ISREG(st.st_mode))
        return 0; /* a socket or fifo left in a data directory is not data */
    return add_file(copy, from_dir, to_dir, name, mode);
}

static int walk_tree_at(tree_copy *copy, int from_dir, int to_dir)
{
    int listing = dup(from_dir);
    DIR *dir = listing < 0 ? NULL : fdopendir(listing);
    if (!dir) {
        if (listing >= 0)
            close(listing);
        return -1;
    }
    int rc = 0;
    struct dirent *entry;
    while (rc == 0 && (errno = 0, entry = readdir(dir)) != NULL) {
        if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0)
            rc = walk_entry(copy, from_dir, to_dir, entry->d_name);
    }
    if (rc == 0 && errno != 0)
        rc = -1;
    int saved = errno;
    closedir(dir);
    errno = saved;
    return rc;
}

int fstree_copy(const char *from, const char *to, bool give_to_owner, uid_t uid, gid_t gid)
{
    tree_copy copy = {.chown_files = give_to_owner, .uid = uid, .gid = gid};
    if (pthread_mutex_init(&copy.lock, NULL) != 0)
        return -1;
    int rc = -1;
    int from_fd = open(from, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int to_fd = -1;
    if (from_fd >= 0 && mkdir(to, 0700) == 0 &&
        (to_fd = open(to, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) >= 0 &&
        fchmod(to_fd, 0700) == 0 && walk_tree_at(&copy, from_fd, to_fd) == 0)
        rc = copy_all_files(&copy);
    if (rc == 0 && copy.chown_files && fchown(to_fd, uid, gid) < 0)
        rc = -1;
    int saved = errno;
    for (size_t i = 0; i < copy.file_count; i++)
        free(copy.files[i].name);
    free(copy.files);
    for (size_t i = 0; i < copy.dir_count; i++)
        close(copy.dirs[i]);
    free(copy.dirs);
    pthread_mutex_destroy(&copy.lock);
    if (from_fd >= 0)
        close(from_fd);
    if (to_fd >= 0)
        close(to_fd);
    errno = saved;
    return rc;
}

static int remove_entry_at(int parent, const char *name, bool is_directory)
{
    if (!is_directory) {
        if (unlinkat(parent, name, 0) == 0 || errno == ENOENT)
            return 0;
        if (errno != EISDIR)
            return -1;
    }
    int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? 0 : -1;
    DIR *dir = fdopendir(fd);
    if (!dir) {
        close(fd);
        return -1;
    }
    int rc = 0;
    struct dirent *entry;
    while ((errno = 0, entry = readdir(dir)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        if (remove_entry_at(dirfd(dir), entry->d_name, entry->d_type == DT_DIR) < 0)
            rc = -1;
    }
    if (errno != 0)
        rc = -1;
    closedir(dir);
    if (unlinkat(parent, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
        rc = -1;
    return rc;
}

int fstree_remove(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return -1;
    char *slash = strrchr(copy, '/');
    const char *name = slash ? slash + 1 : copy;
    const char *parent = slash ? (slash == copy ? "/" : copy) : ".";
    if (slash)
        *slash = '\0';
    int parent_fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = parent_fd < 0 ? -1 : remove_entry_at(parent_fd, name, false);
    int saved = errno;
    if (parent_fd >= 0)
        close(parent_fd);
    free(copy);
    errno = saved;
    return rc;
}

int fstree_make_directories(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return -1;
    int rc = 0;
    for (char *p = copy + 1; rc == 0; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        if (mkdir(copy, 0700) < 0 && errno != EEXIST)
            rc = -1;
        *p = saved;
        if (saved == '\0')
            break;
    }
    free(copy);
    return rc;
}

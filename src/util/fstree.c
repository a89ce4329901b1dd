/*
 * fstree.c — copying and removing directory trees without ever following a
 * symbolic link, and making the directories of a path. See fstree.h.
 *
 * Everything below a starting directory is reached through openat() and its
 * relatives on an open directory descriptor, with O_NOFOLLOW, so that a
 * symlink planted in a tree (a data directory the server user owns) can
 * never redirect a copy or a removal outside it.
 */
#include "fstree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define COPY_BUFFER_BYTES (256 * 1024)

typedef struct tree_copy {
    char *buffer;
    bool chown_files; /* give every copy to uid:gid */
    uid_t uid;
    gid_t gid;
} tree_copy;

static bool all_zero(const char *data, size_t length)
{
    for (size_t i = 0; i < length; i++)
        if (data[i])
            return false;
    return true;
}

/* Copies the contents of one regular file; runs of zeros become holes (WAL is mostly zeros). */
static int copy_file_data(int in, int out, off_t size, char *buffer)
{
    off_t done = 0;
    while (done < size) {
        ssize_t n = read(in, buffer, COPY_BUFFER_BYTES);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break; /* it shrank meanwhile: copy what there is */
        if (all_zero(buffer, (size_t)n)) {
            if (lseek(out, n, SEEK_CUR) < 0)
                return -1;
        } else {
            for (ssize_t written = 0; written < n;) {
                ssize_t w = write(out, buffer + written, (size_t)(n - written));
                if (w < 0 && errno == EINTR)
                    continue;
                if (w < 0)
                    return -1;
                written += w;
            }
        }
        done += n;
    }
    return ftruncate(out, done);
}

static int copy_tree_at(tree_copy *copy, int from_dir, int to_dir);

static int copy_entry(tree_copy *copy, int from_dir, int to_dir, const char *name)
{
    struct stat st;
    if (fstatat(from_dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return -1;
    mode_t mode = st.st_mode & 07777;
    if (S_ISDIR(st.st_mode)) {
        if (mkdirat(to_dir, name, mode) < 0)
            return -1;
        int from = openat(from_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        int to = openat(to_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        int rc = (from < 0 || to < 0) ? -1 : copy_tree_at(copy, from, to);
        if (rc == 0 && copy->chown_files && fchown(to, copy->uid, copy->gid) < 0)
            rc = -1;
        if (from >= 0)
            close(from);
        if (to >= 0)
            close(to);
        return rc;
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
    int in = openat(from_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (in < 0)
        return -1;
    int out = openat(to_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    int rc = out < 0 ? -1 : copy_file_data(in, out, st.st_size, copy->buffer);
    if (rc == 0 && copy->chown_files && fchown(out, copy->uid, copy->gid) < 0)
        rc = -1;
    int saved = errno;
    close(in);
    if (out >= 0 && close(out) < 0 && rc == 0)
        return -1;
    errno = saved;
    return rc;
}

static int copy_tree_at(tree_copy *copy, int from_dir, int to_dir)
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
            rc = copy_entry(copy, from_dir, to_dir, entry->d_name);
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
    tree_copy copy = {malloc(COPY_BUFFER_BYTES), give_to_owner, uid, gid};
    if (!copy.buffer)
        return -1;
    int rc = -1;
    int from_fd = open(from, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int to_fd = -1;
    if (from_fd >= 0 && mkdir(to, 0700) == 0 &&
        (to_fd = open(to, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) >= 0 &&
        fchmod(to_fd, 0700) == 0)
        rc = copy_tree_at(&copy, from_fd, to_fd);
    if (rc == 0 && copy.chown_files && fchown(to_fd, uid, gid) < 0)
        rc = -1;
    int saved = errno;
    if (from_fd >= 0)
        close(from_fd);
    if (to_fd >= 0)
        close(to_fd);
    free(copy.buffer);
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

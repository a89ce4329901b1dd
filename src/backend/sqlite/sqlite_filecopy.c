/*
 * sqlite_filecopy.c — a reset (or a copy of a cached template) as one copy
 * of a database file's bytes.
 *
 * SQLite's backup API copies a database page by page through both page
 * caches: on this virtual machine a 1 MB database took 10–14 ms, almost all
 * of it in 770 read/write calls and 660 page faults. A reset needs none of
 * that: while it holds the database's EXCLUSIVE lock (so no other connection
 * reads or writes), it copies the pristine file's bytes over the database
 * file with copy_file_range, truncates it to the same size, and sets the
 * file change counter (header offset 24) and its version-valid-for copy
 * (offset 92) to one past the value the database had: every connection that
 * cached pages sees a new counter at its next lock and drops them, as after a
 * backup (https://www.sqlite.org/fileformat.html, "File change counter").
 * Databases in WAL mode, or files that are not plain SQLite 3 databases, are
 * left to the backup API (0).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend_sqlite.h"
#include "strbuf.h"

enum { HEADER_SIZE = 100, COUNTER_AT = 24, VALID_FOR_AT = 92 };

/* A SQLite 3 database header in rollback-journal mode (read and write versions 1). */
static bool rollback_header(int fd, unsigned char header[HEADER_SIZE])
{
    return pread(fd, header, HEADER_SIZE, 0) == HEADER_SIZE &&
           memcmp(header, "SQLite format 3", 16) == 0 && header[18] == 1 && header[19] == 1;
}

static uint32_t read_be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Copies `size` bytes from the start of `from` to the start of `to`; 0 or -1 (errno). */
static int copy_bytes(int from, int to, off_t size)
{
    off_t in = 0, out = 0;
    while (in < size) {
        ssize_t n = copy_file_range(from, &in, to, &out, (size_t)(size - in), 0);
        if (n > 0)
            continue;
        if (n == 0 || (errno != EXDEV && errno != ENOSYS && errno != EINVAL && errno != EOPNOTSUPP))
            return n == 0 ? (errno = EIO, -1) : -1;
        char buffer[65536]; /* no copy_file_range between these files: read and write */
        ssize_t got = pread(from, buffer, sizeof buffer, in);
        if (got <= 0 || pwrite(to, buffer, (size_t)got, out) != got)
            return got == 0 ? (errno = EIO, -1) : -1;
        in += got;
        out += got;
    }
    return 0;
}

/* Takes the EXCLUSIVE lock, waiting out other connections as the backup does; 0, or -1. */
static int lock_exclusive(sqlite3 *db)
{
    int rc, tries = 0;
    while ((rc = sqlite3_exec(db, "BEGIN EXCLUSIVE", NULL, NULL, NULL)) == SQLITE_BUSY ||
           rc == SQLITE_LOCKED) {
        if (++tries > SQLITE_BUSY_TRIES)
            break;
        sqlite3_sleep(10);
    }
    return rc == SQLITE_OK ? 0 : -1;
}

/* The 4 bytes of the file change counter one past `header`'s. */
static void next_counter(const unsigned char header[HEADER_SIZE], unsigned char counter[4])
{
    uint32_t next = read_be32(header + COUNTER_AT) + 1;
    counter[0] = (unsigned char)(next >> 24);
    counter[1] = (unsigned char)(next >> 16);
    counter[2] = (unsigned char)(next >> 8);
    counter[3] = (unsigned char)next;
}

/*
 * Overwrites the locked database file with `from`'s `size` bytes: 1, 0 when
 * it is not a rollback-journal database (nothing written), -1 with errno. A
 * new, empty file takes the source's counter: no connection can have cached
 * a page of it.
 */
static int overwrite(int from, off_t size, const char *path)
{
    /* Opened only under the lock: closing a descriptor of the file drops every POSIX
     * lock of this process on it, those of other SQLite connections in it too. */
    int to = open(path, O_RDWR | O_CLOEXEC);
    if (to < 0)
        return -1;
    unsigned char header[HEADER_SIZE], counter[4];
    ssize_t got = pread(to, header, HEADER_SIZE, 0);
    int rc = got == 0 || rollback_header(to, header) ? 1 : 0;
    if (rc == 1 && got > 0)
        next_counter(header, counter);
    if (rc == 1 && (copy_bytes(from, to, size) < 0 || ftruncate(to, size) < 0 ||
                    (got > 0 && (pwrite(to, counter, 4, COUNTER_AT) != 4 ||
                                 pwrite(to, counter, 4, VALID_FOR_AT) != 4))))
        rc = -1;
    int saved = errno;
    close(to); /* SQLite's EXCLUSIVE lock goes with it: only once every byte is written */
    errno = saved;
    return rc;
}

int sqlite_copy_file(sqlite3 *db, const char *path, const char *from_path, const char *what,
                     diag_list *diags)
{
    int from = open(from_path, O_RDONLY | O_CLOEXEC);
    unsigned char header[HEADER_SIZE];
    struct stat st;
    char *wal = strbuf_format("%s-wal", path);
    bool plain = from >= 0 && fstat(from, &st) == 0 && rollback_header(from, header) && wal &&
                 access(wal, F_OK) != 0;
    free(wal);
    if (!plain) {
        if (from >= 0)
            close(from);
        return 0;
    }
    if (lock_exclusive(db) < 0) {
        close(from);
        sqlite_locked_diag(diags, path, what);
        return -1;
    }
    int rc = overwrite(from, st.st_size, path);
    int saved = errno;
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL); /* nothing was written through SQLite */
    close(from);
    if (rc < 0) {
        diag *d = diag_add(diags, path, 0, 0, "%s: %s", what, strerror(saved));
        if (saved == ENOSPC || saved == EDQUOT || saved == EIO)
            diag_set_hint(d, SQLITE_DISK_HINT);
    }
    return rc;
}

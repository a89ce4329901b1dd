/*
 * smallfile.c — the small files of a server foster starts: reading one whole
 * (markers, pid files, /proc entries), writing one atomically, the pid on its
 * first line, the tail of a log for quoting in a diag, and whether a lock
 * file is still the one its path names. See smallfile.h.
 */
#include "smallfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strbuf.h"

#define LOG_TAIL_LINES 5

/* Reads a whole small file into a new string; NULL (errno set) when it cannot. */
char *smallfile_read(const char *path, size_t limit)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return NULL;
    strbuf sb = STRBUF_INIT;
    char buffer[4096];
    ssize_t n;
    while (sb.length < limit && (n = read(fd, buffer, sizeof buffer)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 || strbuf_append(&sb, buffer, (size_t)n) < 0) {
            int saved = errno;
            close(fd);
            strbuf_free(&sb);
            errno = saved;
            return NULL;
        }
    }
    close(fd);
    char *text = strbuf_detach(&sb);
    if (!text)
        errno = ENOMEM;
    return text;
}

/* Writes `text` to `path` through a temporary file and rename, so readers see all or nothing. */
int smallfile_write_atomically(const char *path, const char *text)
{
    /* A name of its own: two writers of one file (runs storing the same template) never
     * write into each other's temporary file. */
    char *temporary = strbuf_format("%s.tmp-XXXXXX", path);
    if (!temporary)
        return -1;
    int fd = mkostemp(temporary, O_CLOEXEC);
    size_t length = strlen(text);
    int rc = -1;
    if (fd >= 0) {
        rc = write(fd, text, length) == (ssize_t)length ? 0 : -1;
        if (close(fd) < 0)
            rc = -1;
        if (rc == 0)
            rc = rename(temporary, path);
        if (rc < 0)
            unlink(temporary);
    }
    free(temporary);
    return rc;
}

/* The pid written as the first line of `path`, 0 when absent, -1 when unreadable or malformed. */
pid_t smallfile_read_pid_line(const char *path)
{
    char *text = smallfile_read(path, 4096);
    if (!text)
        return errno == ENOENT ? 0 : -1;
    char *end;
    errno = 0;
    long value = strtol(text, &end, 10);
    bool valid = errno == 0 && end != text && (*end == '\n' || *end == '\0') && value >= 0 &&
                 value <= INT_MAX;
    free(text);
    pid_t pid = valid ? (pid_t)value : -1;
    return pid;
}

/*
 * The last lines of a log file, each on its own line indented by two spaces
 * (for quoting in a diag); "" when the file is empty or unreadable.
 */
char *smallfile_log_tail(const char *path)
{
    char *text = smallfile_read(path, 1 << 20);
    if (!text)
        return strdup("");
    size_t length = strlen(text);
    while (length > 0 && (text[length - 1] == '\n' || text[length - 1] == '\r'))
        text[--length] = '\0';
    size_t start = length;
    int lines = 0;
    while (start > 0 && lines < LOG_TAIL_LINES) {
        start--;
        if (text[start] == '\n' && ++lines == LOG_TAIL_LINES) {
            start++;
            break;
        }
    }
    strbuf sb = STRBUF_INIT;
    for (char *line = text + start; *line;) {
        char *newline = strchr(line, '\n');
        size_t line_length = newline ? (size_t)(newline - line) : strlen(line);
        strbuf_append_str(&sb, "\n  ");
        strbuf_append(&sb, line, line_length);
        line += line_length + (newline ? 1 : 0);
    }
    free(text);
    char *tail = strbuf_detach(&sb);
    return tail ? tail : strdup("");
}

bool smallfile_names_open_file(const char *path, int fd)
{
    struct stat open_file, named;
    return fstat(fd, &open_file) == 0 && stat(path, &named) == 0 &&
           open_file.st_ino == named.st_ino && open_file.st_dev == named.st_dev;
}

/*
 * smallfile.h — small files of the servers foster starts (markers, pid
 * files, logs, lock files): read whole, written atomically, a pid line, a
 * log's tail, whether a path still names a file open.
 */
#ifndef FOSTER_SMALLFILE_H
#define FOSTER_SMALLFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Reads a whole small file (at most about `limit` bytes) into a new string; NULL (errno set)
 * when it cannot. A symlink is not followed. */
char *smallfile_read(const char *path, size_t limit);

/* Writes `text` to `path` through a temporary file and rename, so readers see all or nothing.
 * 0, or -1 with errno set. */
int smallfile_write_atomically(const char *path, const char *text);

/* The pid written as the first line of `path`, 0 when absent, -1 when unreadable or malformed. */
pid_t smallfile_read_pid_line(const char *path);

/* The last lines of a log file, each on its own line indented by two spaces (for quoting in a
 * diag); "" when the file is empty or unreadable; NULL only when memory ran out. */
char *smallfile_log_tail(const char *path);

/* Whether `path` names the file open at `fd`: a lock file its holder removed, to a process
 * that waited for its lock, does not (that process then opens the one there now). */
bool smallfile_names_open_file(const char *path, int fd);

#endif

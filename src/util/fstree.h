/*
 * fstree.h — directory trees on the local file system: copying one (for
 * pgcluster's cache of pristine data directories) and removing one, both
 * without ever following a symbolic link inside the tree, and making the
 * directories of a path (mkdir -p).
 *
 * Every function returns 0, or -1 with errno set (to ENOMEM when memory ran
 * out); none adds a diag, so the caller says what it was doing.
 */
#ifndef FOSTER_FSTREE_H
#define FOSTER_FSTREE_H

#include <stdbool.h>
#include <sys/types.h>

/*
 * Copies the directory `from` to the new directory `to` (mode 0700, which
 * PostgreSQL insists on for a data directory; the rest keep their modes).
 * Symbolic links are copied as links; sockets and fifos are skipped; holes
 * in regular files stay holes. The files are copied on up to four threads
 * (one per processor), which block every signal. When `give_to_owner` is
 * set, every copy (including `to`) is given to `uid`:`gid`. On failure `to`
 * may be left half made: the caller removes it (fstree_remove).
 */
int fstree_copy(const char *from, const char *to, bool give_to_owner, uid_t uid, gid_t gid);

/*
 * Removes `path` and everything under it. A symlink anywhere (including
 * `path` itself) is removed, never followed. A missing path is fine (0).
 * Goes on past entries it cannot remove, and then returns -1.
 */
int fstree_remove(const char *path);

/* mkdir -p: makes `path` and its missing parents, new ones with mode 0700. */
int fstree_make_directories(const char *path);

#endif

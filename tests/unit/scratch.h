/*
 * scratch.h — private scratch directories for the unit tests: one made
 * fresh for a test or a whole program, and removed again with everything
 * under it.
 */
#ifndef FOSTER_TEST_SCRATCH_H
#define FOSTER_TEST_SCRATCH_H

/*
 * Makes a new directory `<base>/<prefix>XXXXXX` (mkdtemp: a name nobody else
 * has, mode 0700), where base is /tmp. Returns the path, a new string the
 * caller frees; NULL with errno set when it could not be made.
 */
char *scratch_make(const char *prefix);

/* scratch_make, under `base` instead (NULL: /tmp, as scratch_make). */
char *scratch_make_in(const char *base, const char *prefix);

/*
 * Removes `path` and everything under it (fstree_remove: a symbolic link is
 * removed, never followed). A missing path, or NULL, is fine. Returns 0, or
 * -1 with errno set when something could not be removed (the rest is removed
 * all the same). Does not free `path`.
 */
int scratch_remove(const char *path);

#endif

/*
 * scratch.c — private scratch directories for the unit tests (scratch.h).
 */
#include <errno.h>
#include <stdlib.h>

#include "fstree.h"
#include "scratch.h"
#include "strbuf.h"

char *scratch_make(const char *prefix)
{
    return scratch_make_in(NULL, prefix);
}

char *scratch_make_in(const char *base, const char *prefix)
{
    if (!base)
        base = "/tmp"; /* not $TMPDIR: a long one would not fit the tests' unix sockets */
    char *path = strbuf_format("%s/%sXXXXXX", base, prefix);
    if (!path) {
        errno = ENOMEM;
        return NULL;
    }
    if (!mkdtemp(path)) {
        int saved = errno;
        free(path);
        errno = saved;
        return NULL;
    }
    return path;
}

int scratch_remove(const char *path)
{
    return path ? fstree_remove(path) : 0;
}

/*
 * memory.h — how much more memory foster can take: so that a fixture that
 * must be held whole is refused with a message, not killed half-way.
 */
#ifndef FOSTER_MEMORY_H
#define FOSTER_MEMORY_H

#include "diag.h"

typedef struct memory_budget {
    unsigned long long bytes; /* 0 when nothing could be read: no known bound */
    const char *source;       /* which bound it is, for messages ("MemAvailable", ...) */
} memory_budget;

/*
 * The smallest of: MemAvailable (/proc/meminfo), what ulimit -v and ulimit -d
 * leave beyond what foster has mapped, and what the cgroup v2 memory.max
 * leaves; without /proc, sysconf's free pages.
 */
memory_budget memory_available(void);

/*
 * Refuses the regular file open as `fd` when its size times `factor` (bytes of
 * memory per byte of the file) is more than memory_available(): -1 with a diag
 * naming `name`, `what` it is ("a JSON fixture"), the need and the limit, and
 * `hint`; else 0.
 */
int memory_check_file(int fd, unsigned factor, const char *name, const char *what, const char *hint,
                      diag_list *diags);

#endif

/*
 * memory.h — how much more memory foster can take: so that a fixture that
 * must be held whole is refused with a message, not killed half-way.
 */
#ifndef FOSTER_MEMORY_H
#define FOSTER_MEMORY_H

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

#endif

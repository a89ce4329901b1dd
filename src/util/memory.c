/*
 * memory.c — how much memory foster may still take before it is refused
 * (ulimit -v, ulimit -d), or killed (the machine's MemAvailable, the cgroup's
 * memory.max): the smallest of those that can be read. See memory.h.
 */
#include "memory.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

/* A number from the first line of `path` after `prefix` (times `unit`), or 0. */
static unsigned long long read_number(const char *path, const char *prefix, unsigned long long unit)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return 0;
    char line[256];
    unsigned long long value = 0;
    size_t skip = strlen(prefix);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, prefix, skip) == 0) {
            if (sscanf(line + skip, "%llu", &value) != 1)
                value = 0;
            break;
        }
    fclose(f);
    return value * unit;
}

static void take_smaller(memory_budget *budget, unsigned long long bytes, const char *source)
{
    if (bytes && (!budget->bytes || bytes < budget->bytes)) {
        budget->bytes = bytes;
        budget->source = source;
    }
}

/* What a soft resource limit leaves beyond `used` bytes; 0 when unlimited. */
static unsigned long long limit_left(int resource, unsigned long long used)
{
    struct rlimit limit;
    if (getrlimit(resource, &limit) < 0 || limit.rlim_cur == RLIM_INFINITY)
        return 0;
    return limit.rlim_cur > used ? limit.rlim_cur - used : 1;
}

/* cgroup v2: memory.max less memory.current of this process's group; 0 when unlimited. */
static unsigned long long cgroup_left(void)
{
    char group[512] = "", path[700];
    FILE *f = fopen("/proc/self/cgroup", "re");
    if (!f)
        return 0;
    char line[600];
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "0::", 3) == 0 && sscanf(line + 3, "%511s", group) != 1)
            group[0] = '\0';
    fclose(f);
    if (!group[0])
        return 0;
    snprintf(path, sizeof path, "/sys/fs/cgroup%s/memory.max", strcmp(group, "/") ? group : "");
    unsigned long long max = read_number(path, "", 1);
    snprintf(path, sizeof path, "/sys/fs/cgroup%s/memory.current", strcmp(group, "/") ? group : "");
    unsigned long long current = read_number(path, "", 1);
    return max ? (max > current ? max - current : 1) : 0; /* "max" reads as 0: unlimited */
}

memory_budget memory_available(void)
{
    memory_budget budget = {0, NULL};
    long page = sysconf(_SC_PAGESIZE);
    unsigned long long pages = read_number("/proc/self/statm", "", 1);
    unsigned long long mapped = page > 0 ? pages * (unsigned long long)page : 0;
    take_smaller(&budget, read_number("/proc/meminfo", "MemAvailable:", 1024), "MemAvailable");
    take_smaller(&budget, limit_left(RLIMIT_AS, mapped), "the address space limit (ulimit -v)");
    take_smaller(&budget, limit_left(RLIMIT_DATA, mapped), "the data size limit (ulimit -d)");
    take_smaller(&budget, cgroup_left(), "the cgroup's memory.max");
    if (!budget.bytes) { /* no /proc: what sysconf says is free */
        long free_pages = sysconf(_SC_AVPHYS_PAGES);
        if (free_pages > 0 && page > 0)
            take_smaller(&budget, (unsigned long long)free_pages * (unsigned long long)page,
                         "free memory");
    }
    return budget;
}

int memory_check_file(int fd, unsigned factor, const char *name, const char *what, const char *hint,
                      diag_list *diags)
{
    struct stat info;
    if (fstat(fd, &info) < 0 || !S_ISREG(info.st_mode))
        return 0;
    unsigned long long needed = (unsigned long long)info.st_size * factor;
    memory_budget budget = memory_available();
    if (!budget.bytes || needed <= budget.bytes)
        return 0;
    diag *d = diag_add(diags, name, 0, 0,
                       "%s of %llu MiB needs about %llu MiB of memory to load, more than the "
                       "%llu MiB left (%s)",
                       what, (unsigned long long)info.st_size >> 20, needed >> 20,
                       budget.bytes >> 20, budget.source);
    diag_set_hint(d, "%s", hint);
    return -1;
}

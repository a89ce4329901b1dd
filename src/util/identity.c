/*
 * identity.c — this process's host, boot id and PID namespace. See
 * identity.h.
 */
#include "identity.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void read_first_line(const char *path, char *out, size_t size)
{
    out[0] = '\0';
    FILE *f = fopen(path, "re");
    if (f && fgets(out, (int)size, f))
        out[strcspn(out, "\n")] = '\0';
    if (f)
        fclose(f);
}

void process_identity_get(process_identity *out)
{
    memset(out, 0, sizeof *out);
    if (gethostname(out->host, sizeof out->host - 1) < 0)
        out->host[0] = '\0';
    read_first_line("/proc/sys/kernel/random/boot_id", out->boot_id, sizeof out->boot_id);
    ssize_t n = readlink("/proc/self/ns/pid", out->pid_ns, sizeof out->pid_ns - 1);
    out->pid_ns[n > 0 ? n : 0] = '\0';
}

/*
 * identity.h — where a pid means something: this process's host name, boot
 * id and PID namespace. A pid names a process only on one host, in one boot,
 * in one PID namespace (containers and pods that share /dev/shm each have
 * their own), so foster records all three beside every pid it may later
 * judge alive or dead (run records, PostgreSQL markers).
 */
#ifndef FOSTER_IDENTITY_H
#define FOSTER_IDENTITY_H

typedef struct process_identity {
    char host[256];   /* gethostname() */
    char boot_id[64]; /* /proc/sys/kernel/random/boot_id */
    char pid_ns[64];  /* readlink /proc/self/ns/pid, e.g. "pid:[4026531836]" */
} process_identity;

/* Fills `out`; a field the system does not provide is "". */
void process_identity_get(process_identity *out);

#endif

/*
 * runstate.h — the private runtime directory and the run records in it.
 *
 * Every run writes a record before it creates anything, so that whatever a
 * run leaves (because it was killed, or kept on purpose by `up`/`--keep`)
 * can be found again by `down`, and by `gc` once the owning process is dead.
 * SQLite test databases that another process opens live in the same
 * directory.
 *
 * The directory is $FOSTER_RUNTIME_DIR if set, else $XDG_RUNTIME_DIR/foster,
 * else /dev/shm/foster-<uid>, else ${TMPDIR:-/tmp}/foster-<uid>: memory-backed
 * where the system offers it, mode 0700, owned by the caller (anything else is
 * refused: another user could have prepared it).
 */
#ifndef FOSTER_RUNSTATE_H
#define FOSTER_RUNSTATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "diag.h"
#include "identity.h"

typedef struct run_record {
    char *run_id;
    pid_t pid;        /* the foster process that owns the run */
    bool kept;        /* left on purpose (up, --keep): gc leaves it; down removes it */
    char *manifest;   /* absolute path of the manifest */
    char *backend;    /* backend name as configured (sqlite, postgres, ...) */
    char *database;   /* test database name */
    char *url;        /* URL without password, once the database exists */
    char *server;     /* an ephemeral server's directory (cluster), or NULL */
    pid_t server_pid; /* its postmaster, once started */
    double started;   /* seconds since the epoch, with microseconds */
    /* Where `pid` means something: a pid is only a pid on one host, in one
     * boot, in one PID namespace (containers sharing /dev/shm have their own). */
    char *host;    /* gethostname() */
    char *boot_id; /* /proc/sys/kernel/random/boot_id */
    char *pid_ns;  /* readlink /proc/self/ns/pid, e.g. "pid:[4026531836]" */
    int copies;    /* workers' copies (--jobs) that may exist: each recorded before it is made */
} run_record;

/* Fills the record's host, boot_id and pid_ns with this process's. -1 when memory ran out. */
int run_record_set_identity(run_record *record);

/* Whether `run_id` is one foster makes: 8 lower-case hex digits (never a path). */
bool runstate_valid_id(const char *run_id);

typedef enum run_owner_state {
    RUN_OWNER_ALIVE,   /* its foster process still lives (or its pid was reused) */
    RUN_OWNER_DEAD,    /* it died: what it left may be removed */
    RUN_OWNER_FOREIGN, /* another host, boot or PID namespace: its pid means nothing here */
} run_owner_state;

/*
 * Judges a record's owner. FOREIGN (with *why, a static phrase such as "made
 * in another PID namespace") when the record's host, boot id or PID namespace
 * is not this process's or is missing (a record of an older foster): then
 * nothing may be concluded from its pid, and nothing of it is reaped.
 */
run_owner_state run_record_owner(const run_record *record, const char **why);

/*
 * Returns the runtime directory (created 0700 when missing), a new string
 * the caller frees; NULL with a diag when no usable one exists.
 */
char *runstate_directory(diag_list *diags);

/* A new random run id: 8 lower-case hex digits, into `out` (9 bytes). */
int runstate_new_id(char out[9], diag_list *diags);

/* Writes (atomically, 0600) directory/<run_id>.run. 0 or -1 with a diag. */
int run_record_write(const char *directory, const run_record *record, diag_list *diags);

/*
 * Reads directory/<run_id>.run (a run id that is not runstate_valid_id is
 * -1 with a diag: never a path outside the directory). 0, 1 when there is no such record (no diag),
 * -1 with a diag when it exists but cannot be read.
 */
int run_record_read(const char *directory, const char *run_id, run_record *out, diag_list *diags);

/*
 * Finds the newest kept record for `manifest` (absolute path). 0 and fills
 * `out`, 1 when there is none.
 */
int run_record_find_kept(const char *directory, const char *manifest, run_record *out,
                         diag_list *diags);

/*
 * The run ids of every record in `directory`, as a NULL-terminated array the
 * caller frees with run_record_ids_free; NULL with a diag on failure.
 */
char **run_record_ids(const char *directory, diag_list *diags);
void run_record_ids_free(char **ids);

/*
 * Whether process `pid` of this host still lives: a zombie counts as dead
 * (where init does not reap, a killed process stays one); pid reuse errs
 * toward "alive", so nothing is removed by mistake.
 */
bool runstate_process_alive(pid_t pid);

/* Removes directory/<run_id>.run; a missing record is fine. */
int run_record_remove(const char *directory, const char *run_id, diag_list *diags);

void run_record_free(run_record *record);

#endif

/*
 * test_pgwait.h — what the files of the pgwait test program share: the
 * cluster main() makes once, the server a test starts on it, and the helpers
 * that time pg_wait and record its progress (all in test_pgwait.c), and the
 * test cases of each part.
 *
 * The program: test_pgwait.c (those, main and the suite), test_pgwait_redact.c
 * (passwords kept out of conninfo strings and messages), test_pgwait_unreachable.c
 * (nothing answers: bad conninfo, timeouts, interrupts, progress),
 * test_pgwait_answers.c (servers that refuse, are not ready yet, start late or
 * are full) and test_pgwait_ready.c (a ready server, started per test).
 */
#ifndef FOSTER_TEST_PGWAIT_H
#define FOSTER_TEST_PGWAIT_H

#include <check.h>
#include <libpq-fe.h>
#include <signal.h>
#include <sys/types.h>

#include "pgwait.h"

#define SERVER_PASSWORD "Sup3r-Secret"
#define WRONG_PASSWORD  "WrongHorse42"

/* The cluster made once by main(); test processes only read it. */
typedef struct pgwait_test_cluster {
    char bindir[256];
    char *root;     /* private directory; also the unix socket directory */
    char data[128]; /* root/data */
    char log[128];  /* root/server.log, rewritten by every server start */
    uid_t uid;      /* the user the server runs as */
    gid_t gid;
    pid_t owner; /* the process that removes it all */
} pgwait_test_cluster;

extern pgwait_test_cluster cluster;

/* The server the current test started, stopped by its teardown or at exit. */
extern pid_t test_server;
extern int test_server_port;

/* CLOCK_MONOTONIC, in seconds. */
double now(void);
/* A TCP port on 127.0.0.1 nobody listens on (bind to port 0, ask, close). */
int free_port(void);

/*
 * Starts postgres on `port` after `delay` seconds, in a child that dies with
 * the calling process. `extra` is NULL or further "-c", "name=value" pairs.
 */
pid_t spawn_server(int port, double delay, const char *const *extra);
/* Stops the server an earlier, failed test left, and waits until it is gone. */
void stop_previous_server(void);
/* Starts test_server on a free port (test_server_port) and waits until it answers. */
void start_test_server(const char *const *extra);
/* Stops test_server, if any; also registered with atexit. */
void stop_test_server_at_exit(void);

/* postgresql://USER_AND_PASSWORD@127.0.0.1:test_server_port/DATABASE, a new string. */
char *server_url(const char *user_and_password, const char *database);
/* How often the server log says `needle` (log_connections=on: one line per session). */
int count_in_log(const char *needle);

/* Records every progress call; optionally sets the interrupt or frees connections at the first. */
typedef struct progress_log {
    int calls;
    double elapsed[16];
    char reasons[16][160];
    volatile sig_atomic_t *interrupt_at_first_call;
    PGconn *release_at_first_call[4];
} progress_log;

/* A pg_wait_options.progress callback; `context` is a progress_log. */
void record_progress(void *context, double elapsed, const char *reason);

/* pg_wait with `timeout` and one confirmation; *elapsed is how long it took. */
pg_wait_result wait_for(const char *conninfo, double timeout, diag_list *diags, double *elapsed);

/* wait_for ends with `result` and one diagnostic, `message`; returns how long it took. */
double assert_wait_ends(const char *conninfo, double timeout, pg_wait_result result,
                        const char *message);

/* The test cases, one group per file. */
TCase *pgwait_redact_tcase(void);             /* test_pgwait_redact.c */
void pgwait_add_unreachable_tests(TCase *tc); /* test_pgwait_unreachable.c */
void pgwait_add_answer_tests(TCase *tc);      /* test_pgwait_answers.c */
TCase *pgwait_ready_tcase(void);              /* test_pgwait_ready.c */

#endif

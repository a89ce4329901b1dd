/*
 * mysql_test_server.h — real MariaDB servers for the MySQL engine's unit
 * tests (test_mysql*.c), independent of the code under test.
 *
 * mts_setup() (in main, before the suite runs) runs mariadb-install-db once
 * into a private scratch directory and adds the user `app` (password
 * MTS_PASSWORD, all privileges, from anywhere) to that pristine data
 * directory. Each server a test starts gets its own copy of it, listens on
 * a unix socket in the private directory and, when asked, on 127.0.0.1, runs
 * as `mysql` when the tests run as root, and dies with the process that
 * started it (PR_SET_PDEATHSIG), so a failed test leaves nothing running.
 * mts_cleanup() removes the directory.
 *
 * When mariadbd or mariadb-install-db is missing, mts_setup returns the
 * reason and the program prints it and skips.
 */
#ifndef FOSTER_MYSQL_TEST_SERVER_H
#define FOSTER_MYSQL_TEST_SERVER_H

#include <stdbool.h>
#include <sys/types.h>

#define MTS_USER     "app"
#define MTS_PASSWORD "Sup3r-Secret"

typedef struct mts_server {
    char name[32];
    char socket[256]; /* unix socket path */
    char data[256];   /* its data directory */
    int port;         /* 127.0.0.1 port, 0: no TCP */
    pid_t pid;
} mts_server;

/* 0; -1 with *reason set to why no server can run here (print it and skip); -2 with *reason
 * when the server is there but would not set up (a failure). */
int mts_setup(const char **reason);

/* The private directory (exists after mts_setup). */
const char *mts_root(void);

/* A TCP port on 127.0.0.1 nobody listens on. */
int mts_free_port(void);

/*
 * Fills `server` for a server named `name` (its socket and data paths) and,
 * when `tcp` is set, picks a free port; does not start it.
 */
void mts_prepare(mts_server *server, const char *name, bool tcp);

/* Starts the prepared server after `delay` seconds (in the child); returns at once. */
void mts_start_after(mts_server *server, double delay);

/* Starts the prepared server and waits until it answers (fails the test after 30 s). */
void mts_start(mts_server *server);

/* Kills the server, waits for it and removes its data directory. */
void mts_stop(mts_server *server);

/* Runs `sql` as root over the server's socket; fails the test on error. */
void mts_exec(const mts_server *server, const char *sql);

/* The first value of `sql` as root over the socket, a new string; NULL for no row / NULL. */
char *mts_value(const mts_server *server, const char *sql);

/* Removes the private directory. */
void mts_cleanup(void);

#endif

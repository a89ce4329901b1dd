/*
 * mycluster_internal.h — what the two halves of mysql-cluster share:
 *
 *     mycluster.c          the lifecycle: start, attach, stop, the accessors
 *     mycluster_server.c   the programs: finding them, install-db through the
 *                          cache, the server's settings, starting, waiting, killing
 *
 * The generic pieces (running a program as another account, the relocated
 * home for root, the small files) are util's server_account.h and
 * smallfile.h.
 *
 * Private to src/backend/mysql/mycluster*.c; the interface is mycluster.h.
 */
#ifndef FOSTER_MYCLUSTER_INTERNAL_H
#define FOSTER_MYCLUSTER_INTERNAL_H

#include "mycluster.h"
#include "server_account.h"
#include "smallfile.h"

#define MY_CLUSTER_MARKER "foster-mysql-cluster"
#define MY_CLUSTER_LOG    "mariadb.log"
#define MY_CLUSTER_SOCKET "mysqld.sock"
#define MY_CLUSTER_PID    "mysqld.pid"

struct my_cluster {
    char *directory; /* what the caller named: the home, or (as root) a symlink to it */
    char *home;
    char *data;
    char *socket;
    pid_t pid;
    bool child; /* started by this process: waitpid reaps it */
};

/* The programs: mariadbd (or mysqld) and mariadb-install-db (or mysql_install_db). */
typedef struct my_programs {
    char *server;
    char *install_db;
    char *basedir; /* for install-db: NULL with the default layout */
} my_programs;

/* Finds the programs (see my_cluster_options.bindir). 0, or -1 with a diag. */
int my_programs_find(my_programs *programs, const char *bindir, diag_list *diags);
void my_programs_free(my_programs *programs);

/* Fills cluster->data from the cache (install-db on a miss). 0, or -1 with a diag. */
int my_cluster_make_data(const my_cluster *cluster, const my_programs *programs,
                         const server_account *account, int log_fd, const char *log_path,
                         const volatile sig_atomic_t *interrupt, diag_list *diags);

/* Starts the server and writes its pid to the marker. 0, or -1 with a diag. */
int my_cluster_server_start(my_cluster *cluster, const my_programs *programs,
                            const server_account *account, int log_fd, diag_list *diags);

/* Waits until the server answers on its socket (30 s at most). 0, or -1 with a diag. */
int my_cluster_server_wait_ready(my_cluster *cluster, const char *log_path,
                                 const volatile sig_atomic_t *interrupt, diag_list *diags);

/* Kills the server if it is still this cluster's. 0, or -1 with a diag. */
int my_cluster_server_stop(my_cluster *cluster, diag_list *diags);

#endif

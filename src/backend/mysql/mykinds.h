/*
 * mykinds.h — the MySQL/MariaDB backend kinds of the registry:
 *
 *     mysql          a new marked database on an existing server (-u, [mysql] url)
 *     mysql-cluster  a MariaDB server foster starts for the run ([mysql-cluster] bindir)
 *     container      with a MySQL/MariaDB image ([container] image, engine_kind)
 */
#ifndef FOSTER_MYKINDS_H
#define FOSTER_MYKINDS_H

#include "backend_kind.h"

/* The DDL the kinds take: the owner's MySQL DDL, run as written. */
#define MY_KIND_DIALECT SCHEMA_MYSQL

extern const backend_kind mysql_kind;
extern const backend_kind mysql_cluster_kind;
/* `container` when the image is MySQL's or MariaDB's (mycontainer.c). */
extern const backend_kind mysql_container_kind;
/* Whether the image's repository names MySQL, MariaDB or Percona ("mariadb:11", "mysql:8"). */
bool my_image_is_mysql(const char *image);

/*
 * The run's client option file (myclient.c): "<runtime>/<run>.mysql/my.cnf",
 * which the clients read through MYSQL_HOME and MARIADB_HOME after the
 * system's option files, so that theirs (Debian's socket) cannot win.
 */
#define MY_SECRET_SUFFIX   ".mysql/my.cnf"
#define MY_SECRET_VARIABLE "FOSTER_MYSQL_OPTION_FILE"
long my_write_secret(const env_var *env, size_t count, strbuf *content);
char *my_client_command(const char *url, const env_var *env, size_t count);

/* gc on the mysql kind's server: marked databases of dead runs of this directory (mygc.c). */
void my_collect_server_garbage(backend_gc *gc);

#endif

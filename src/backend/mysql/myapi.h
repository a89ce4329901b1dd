/*
 * myapi.h — libmariadb, loaded the first time foster talks to MySQL/MariaDB.
 *
 * As for libpq (../postgres/pqapi.h): libmariadb and GnuTLS cost every
 * command milliseconds before main() that SQLite and PostgreSQL runs do not
 * need. The MySQL backend includes this header instead of <mysql.h>; each
 * call below goes through a table that foster_my() fills at the first call
 * (myapi.c, with util/lazylib.c). Define FOSTER_MYAPI_NO_MACROS to see the
 * table without the names.
 */
#ifndef FOSTER_MYAPI_H
#define FOSTER_MYAPI_H

#include <mysql.h>

/* Every libmariadb function foster calls. */
#define FOSTER_MY_FUNCTIONS(X)                                                                     \
    X(mysql_close)                                                                                 \
    X(mysql_errno)                                                                                 \
    X(mysql_error)                                                                                 \
    X(mysql_fetch_lengths)                                                                         \
    X(mysql_fetch_row)                                                                             \
    X(mysql_field_count)                                                                           \
    X(mysql_free_result)                                                                           \
    X(mysql_get_socket)                                                                            \
    X(mysql_get_timeout_value_ms)                                                                  \
    X(mysql_init)                                                                                  \
    X(mysql_next_result)                                                                           \
    X(mysql_num_fields)                                                                            \
    X(mysql_num_rows)                                                                              \
    X(mysql_options)                                                                               \
    X(mysql_query)                                                                                 \
    X(mysql_real_connect)                                                                          \
    X(mysql_real_connect_cont)                                                                     \
    X(mysql_real_connect_start)                                                                    \
    X(mysql_real_escape_string)                                                                    \
    X(mysql_real_query)                                                                            \
    X(mysql_real_query_cont)                                                                       \
    X(mysql_real_query_start)                                                                      \
    X(mysql_select_db)                                                                             \
    X(mysql_set_local_infile_default)                                                              \
    X(mysql_set_local_infile_handler)                                                              \
    X(mysql_store_result)                                                                          \
    X(mysql_store_result_cont)                                                                     \
    X(mysql_store_result_start)                                                                    \
    X(mysql_warning_count)

typedef struct foster_my_api {
#define FOSTER_LAZY_MEMBER(name) __typeof__(name) *name;
    FOSTER_MY_FUNCTIONS(FOSTER_LAZY_MEMBER)
#undef FOSTER_LAZY_MEMBER
} foster_my_api;

/* The loaded table; a missing library or function ends the process with a message naming it. */
const foster_my_api *foster_my(void);

#ifndef FOSTER_MYAPI_NO_MACROS
#define mysql_close                    (foster_my()->mysql_close)
#define mysql_errno                    (foster_my()->mysql_errno)
#define mysql_error                    (foster_my()->mysql_error)
#define mysql_fetch_lengths            (foster_my()->mysql_fetch_lengths)
#define mysql_fetch_row                (foster_my()->mysql_fetch_row)
#define mysql_field_count              (foster_my()->mysql_field_count)
#define mysql_free_result              (foster_my()->mysql_free_result)
#define mysql_get_socket               (foster_my()->mysql_get_socket)
#define mysql_get_timeout_value_ms     (foster_my()->mysql_get_timeout_value_ms)
#define mysql_init                     (foster_my()->mysql_init)
#define mysql_next_result              (foster_my()->mysql_next_result)
#define mysql_num_fields               (foster_my()->mysql_num_fields)
#define mysql_num_rows                 (foster_my()->mysql_num_rows)
#define mysql_options                  (foster_my()->mysql_options)
#define mysql_query                    (foster_my()->mysql_query)
#define mysql_real_connect             (foster_my()->mysql_real_connect)
#define mysql_real_connect_cont        (foster_my()->mysql_real_connect_cont)
#define mysql_real_connect_start       (foster_my()->mysql_real_connect_start)
#define mysql_real_escape_string       (foster_my()->mysql_real_escape_string)
#define mysql_real_query               (foster_my()->mysql_real_query)
#define mysql_real_query_cont          (foster_my()->mysql_real_query_cont)
#define mysql_real_query_start         (foster_my()->mysql_real_query_start)
#define mysql_select_db                (foster_my()->mysql_select_db)
#define mysql_set_local_infile_default (foster_my()->mysql_set_local_infile_default)
#define mysql_set_local_infile_handler (foster_my()->mysql_set_local_infile_handler)
#define mysql_store_result             (foster_my()->mysql_store_result)
#define mysql_store_result_cont        (foster_my()->mysql_store_result_cont)
#define mysql_store_result_start       (foster_my()->mysql_store_result_start)
#define mysql_warning_count            (foster_my()->mysql_warning_count)
#endif

#endif

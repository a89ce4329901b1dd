/*
 * test_reset_pg.c — foster_reset on PostgreSQL in a process that lives on
 * (a C test suite): the copy made ahead of time is swapped in, the old
 * database dropped and the next copy made in the background; the tests'
 * own connections are ended and can reconnect. Uses the cluster backend
 * (a real server foster starts); skipped when no server is installed.
 */
#include <libpq-fe.h>

#include "strbuf.h"
#include "test_library.h"

static long count(PGconn *conn, const char *sql)
{
    PGresult *result = PQexec(conn, sql);
    ck_assert_msg(PQresultStatus(result) == PGRES_TUPLES_OK, "%s: %s", sql,
                  PQresultErrorMessage(result));
    long n = atol(PQgetvalue(result, 0, 0));
    PQclear(result);
    return n;
}

static void exec_ok(PGconn *conn, const char *sql)
{
    PGresult *result = PQexec(conn, sql);
    ck_assert_msg(PQresultStatus(result) == PGRES_COMMAND_OK, "%s: %s", sql,
                  PQresultErrorMessage(result));
    PQclear(result);
}

START_TEST(test_reset_in_a_living_process_swaps_in_fresh_copies)
{
    foster_options options;
    foster_options_init(&options);
    char *manifest = strbuf_format("%s/foster.ini", getenv("FOSTER_SOURCE_ROOT"));
    options.manifest_path = manifest;
    options.backend = "cluster";
    foster_session *session = NULL;
    ck_assert_int_eq(foster_open(&options, &session), FOSTER_OK);
    ck_assert_msg(foster_provision(session) == FOSTER_OK, "%s", foster_errmsg(session));

    PGconn *app = PQconnectdb(foster_url(session)); /* the code under test's own connection */
    ck_assert_int_eq(PQstatus(app), CONNECTION_OK);
    for (int round = 0; round < 4; round++) {
        PGconn *own = foster_connection(session);
        ck_assert_ptr_nonnull(own);
        ck_assert_int_eq(count(own, "SELECT count(*) FROM trading_shares"), 8);
        exec_ok(own, "DELETE FROM trading_shares");
        exec_ok(app, "DELETE FROM trading_sharestransfer");
        ck_assert_int_eq(count(app, "SELECT count(*) FROM trading_shares"), 0);
        ck_assert_msg(foster_reset(session) == FOSTER_OK, "%s", foster_errmsg(session));
        /* the app's session was ended by the reset: it reconnects and sees the fixtures */
        PQreset(app);
        ck_assert_int_eq(PQstatus(app), CONNECTION_OK);
        ck_assert_int_eq(count(app, "SELECT count(*) FROM trading_shares"), 8);
        ck_assert_int_eq(count(app, "SELECT count(*) FROM trading_sharestransfer"), 3);
        /* sequences are back too: the next id follows the fixtures' largest */
        ck_assert_int_eq(count(app, "SELECT nextval('trading_sharestransfer_id_seq')"), 1058);
    }
    PQfinish(app);

    /*
     * The same on the postgres backend against this server, so that the
     * server outlives the session: after close, nothing of the run is left
     * (test database, template, next copy, old copy).
     */
    const char *host = session_env_value(session, "PGHOST");
    ck_assert_ptr_nonnull(host);
    char *server = strbuf_format("host=%s user=postgres dbname=postgres", host);
    foster_options on_server = options;
    on_server.backend = "postgres";
    on_server.postgres_url = server;
    foster_session *second = NULL;
    ck_assert_int_eq(foster_open(&on_server, &second), FOSTER_OK);
    ck_assert_msg(foster_provision(second) == FOSTER_OK, "%s", foster_errmsg(second));
    char *pattern = strbuf_format("SELECT count(*) FROM pg_database WHERE datname LIKE "
                                  "'test_trading_%s%%'",
                                  foster_run_id(second));
    for (int round = 0; round < 3; round++)
        ck_assert_msg(foster_reset(second) == FOSTER_OK, "%s", foster_errmsg(second));
    PGconn *admin = PQconnectdb(server);
    ck_assert_int_eq(PQstatus(admin), CONNECTION_OK);
    ck_assert_int_ge(count(admin, pattern), 2); /* database and template (+ next, being made) */
    foster_close(second);
    ck_assert_int_eq(count(admin, pattern), 0);
    PQfinish(admin);
    free(pattern);
    free(server);
    foster_close(session);
    free(manifest);
}
END_TEST

int main(void)
{
    char *runtime_dir;
    int status = cluster_suite_setup("foster-test-reset-pg-", &runtime_dir);
    if (status != 0)
        return status;
    const TTest *const tests[] = {test_reset_in_a_living_process_swaps_in_fresh_copies};
    status = cluster_suite_run("reset_pg", runtime_dir, tests, 1);
    free(runtime_dir);
    return status;
}

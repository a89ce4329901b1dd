/* A C test suite's view of libfoster, compiled against the installed library. */
#include <foster.h>
#include <sqlite3.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    foster_options options;
    foster_options_init(&options);
    options.manifest_path = argc > 1 ? argv[1] : "foster.ini";
    options.sqlite_in_memory = 1;
    foster_session *session = NULL;
    if (foster_open(&options, &session) != FOSTER_OK || foster_provision(session) != FOSTER_OK) {
        fprintf(stderr, "%s\n", foster_errmsg(session));
        foster_close(session);
        return 1;
    }
    sqlite3_stmt *stmt;
    sqlite3_prepare_v2(foster_connection(session), "SELECT count(*) FROM auth_user", -1, &stmt,
                       NULL);
    sqlite3_step(stmt);
    printf("foster %s: %s has %d users\n", foster_version(), foster_url(session),
           sqlite3_column_int(stmt, 0));
    sqlite3_finalize(stmt);
    foster_close(session);
    return 0;
}

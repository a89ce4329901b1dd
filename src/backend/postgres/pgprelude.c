/*
 * pgprelude.c — the preludes of a schema set on PostgreSQL: the manifest's
 * prelude files, then what the tables taken from a dump or a file of several
 * tables need (types, domains, functions, sequences, extensions), as written,
 * each statement in its load phase, sent as a pipeline (pgbatch.c). A CREATE
 * EXTENSION the server does not have is refused before any runs, naming the
 * extension and its package.
 */
#include <stdbool.h>

#include "backend_postgres.h"
#include "ddl_phase.h"
#include "pqapi.h"

/* CREATE EXTENSION of one the server lacks: -1 and a diag naming it and its package. */
static int check_extension(pg_backend *p, const ddl_statement *st, const char *file,
                           diag_list *diags)
{
    if (st->object != DDL_OBJECT_EXTENSION || !st->object_name || !ddl_statement_creates(st))
        return 0;
    const char *values[] = {st->object_name};
    PGresult *result =
        PQexecParams(p->db, "SELECT 1 FROM pg_catalog.pg_available_extensions WHERE name = $1", 1,
                     NULL, values, NULL, NULL, 0);
    bool missing = PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) == 0;
    PQclear(result);
    if (!missing)
        return 0;
    diag *d = diag_add(diags, file, st->source->line, st->source->column,
                       "the server has no extension \"%s\" (PostgreSQL %d)", st->object_name,
                       PQserverVersion(p->db) / 10000);
    diag_set_hint(d, "install the package that provides it on the server: %s",
                  ddl_extension_package(st->object_name));
    return -1;
}

/* The extensions the phase's statements create, asked of the server before any runs. */
static int check_extensions(pg_backend *p, const schema_set *schemas, int phase, diag_list *diags)
{
    for (size_t k = 0; k < schemas->prelude_count; k++) {
        const ddl_file *file = &schemas->preludes[k];
        for (size_t s = 0; s < file->statement_count; s++)
            if ((int)ddl_statement_phase(&file->statements[s]) == phase &&
                check_extension(p, &file->statements[s], file->display_name, diags) < 0)
                return -1;
    }
    return 0;
}

int pg_run_preludes(pg_backend *p, const schema_set *schemas, int phase, diag_list *diags)
{
    if (check_extensions(p, schemas, phase, diags) < 0)
        return -1;
    pg_batch batch;
    pg_batch_begin(&batch, p);
    int rc = 0;
    for (size_t k = 0; rc == 0 && k < schemas->prelude_count; k++) {
        const ddl_file *file = &schemas->preludes[k];
        bool path_set;
        rc = pg_search_path_begin(&batch, file, phase == DDL_PHASE_PRE_DATA, &path_set, diags);
        for (size_t s = 0; rc == 0 && s < file->statement_count; s++) {
            const ddl_statement *st = &file->statements[s];
            if ((int)ddl_statement_phase(st) == phase)
                rc = pg_batch_add(&batch, st->source->text, st->source, file->display_name, false,
                                  diags);
        }
        if (rc == 0)
            rc = pg_search_path_done(&batch, path_set, diags);
    }
    return pg_batch_end(&batch, rc, diags);
}

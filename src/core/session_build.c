/*
 * session_build.c — a test database made from its inputs (not copied from a
 * cached template): the pre-data statements, then the fixtures, loaded as
 * pg_restore orders it (fixtures.h: finish_schema), with -v's list of the
 * statements run. Part of the session (session.c).
 */
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "fixtures.h"
#include "monotonic.h"
#include "session.h"
#include "strbuf.h"

/* -v: the statements provisioning ran, each as "file:line: its first line". */
static void report_statement(foster_session *s, const char *file, int line, const char *sql)
{
    session_progress(s, "  %s:%d: %.*s%s", file, line, (int)strcspn(sql, "\n"), sql,
                     strchr(sql, '\n') ? " ..." : "");
}

static void report_statements(foster_session *s)
{
    const schema_set *set = &s->schemas;
    session_report_schema_choices(s, set, false);
    for (size_t k = 0; s->dialect != SCHEMA_SQLITE && k < set->prelude_count; k++)
        for (size_t i = 0; i < set->preludes[k].statement_count; i++)
            if (set->preludes[k].statements[i].kind != DDL_SKIP)
                report_statement(s, set->preludes[k].display_name,
                                 set->preludes[k].statements[i].source->line,
                                 set->preludes[k].statements[i].source->text);
    if (s->dialect == SCHEMA_SQLITE) {
        for (size_t i = 0; i < set->sqlite.count; i++)
            report_statement(s, set->sqlite.items[i].file, set->sqlite.items[i].line,
                             set->sqlite.items[i].sql);
        return;
    }
    for (size_t k = 0; k < set->count; k++) {
        const ddl_file *file = &set->files[set->order[k]];
        for (size_t i = 0; i < file->statement_count; i++)
            if (file->statements[i].kind != DDL_SKIP)
                report_statement(s, file->display_name, file->statements[i].source->line,
                                 file->statements[i].source->text);
    }
}

/*
 * Creates the tables and loads the fixtures (the database made from its
 * inputs, not from a cached template). *step: when loading began.
 */
foster_result session_build_from_inputs(foster_session *s, double *step)
{
    backend *b = s->backend;
    if (b->ops->create_tables(b, &s->schemas, &s->problems) < 0)
        return FOSTER_ERROR_DATABASE;
    strbuf names = STRBUF_INIT;
    for (size_t k = 0; k < s->schemas.count; k++)
        strbuf_appendf(&names, "%s%s", k ? ", " : "", s->manifest.tables[s->schemas.order[k]].name);
    session_progress(s, "created %zu %s in %.1f ms: %s", s->schemas.count,
                     str_plural((long long)s->schemas.count, "table", "tables"),
                     (monotonic_seconds() - *step) * 1e3, strbuf_str(&names));
    strbuf_free(&names);
    if (s->options.verbose)
        report_statements(s);
    if (session_interrupted(s))
        return session_stop_interrupted(s);
    *step = monotonic_seconds();
    fixtures_loader loader = {.backend = b,
                              .schemas = &s->schemas,
                              .report = session_report_table,
                              .tick = session_report_tick,
                              .report_context = s,
                              .interrupt = s->options.interrupt,
                              .finish_schema = true};
    translate_notes skipped = {0};
    loader.details = &skipped.details;
    int rc = fixtures_load_manifest(&loader, &s->problems);
    session_report_notes_of(s, &skipped);
    translate_notes_clear(&skipped);
    if (rc < 0)
        return loader.interrupted ? FOSTER_ERROR_INTERRUPTED : FOSTER_ERROR_INPUT;
    return FOSTER_OK;
}

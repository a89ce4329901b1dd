/*
 * myschema.c — the owner's statements run on the test database: the schema
 * files' statements by phase (ddl_phase.h), each phase in the files'
 * dependency order after the preludes, with foreign_key_checks off (so a
 * cycle can be created at all); each trigger under the sql_mode its file
 * gives it; and a .sql fixture's statements. A statement MySQL refuses is
 * named at its file:line:column. See backend_mysql.h.
 */
#include <string.h>
#include <strings.h>

#include "backend_mysql.h"
#include "ddl_phase.h"
#include "myconn.h"
#include "strbuf.h"

/* Runs one statement of the owner's DDL or a .sql fixture, naming its place on failure. */
static int run_statement(my_backend *m, const sql_statement *st, const char *file, diag_list *diags)
{
    if (mysql_real_query(m->db, st->text, strlen(st->text)) == 0) {
        do {
            MYSQL_RES *result = mysql_store_result(m->db);
            mysql_free_result(result);
        } while (mysql_next_result(m->db) == 0);
        if (!mysql_errno(m->db))
            return 0;
    }
    strbuf message = STRBUF_INIT;
    my_append_requalified(&message, mysql_error(m->db), "", m->database, NULL);
    diag_add(diags, file, st->line, st->column, "MySQL rejected the statement: %s (error %u)",
             message.failed ? mysql_error(m->db) : strbuf_str(&message), mysql_errno(m->db));
    strbuf_free(&message);
    return -1;
}

/* Whether `text` is CREATE [DEFINER = …] TRIGGER: a word TRIGGER before the first ( or ON. */
static bool is_create_trigger(const char *text)
{
    while (*text == ' ' || *text == '\t' || *text == '\n' || *text == '\r')
        text++;
    if (strncasecmp(text, "create", 6) != 0)
        return false;
    for (const char *p = text + 6; *p && *p != '(' && *p != ';'; p++) {
        bool starts = p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\n' || p[-1] == '`';
        if (starts && strncasecmp(p, "on", 2) == 0 && (p[2] == ' ' || p[2] == '\n'))
            return false;
        if (starts && strncasecmp(p, "trigger", 7) == 0 &&
            (p[7] == ' ' || p[7] == '\t' || p[7] == '\n' || p[7] == '`'))
            return true;
    }
    return false;
}

/* The phase of a schema statement; CREATE DEFINER=… TRIGGER is a trigger too. */
static ddl_phase phase_of(const ddl_statement *st)
{
    if (st->kind == DDL_SKIP)
        return DDL_PHASE_NONE;
    return is_create_trigger(st->source->text) ? DDL_PHASE_TRIGGERS : ddl_statement_phase(st);
}

/*
 * Before a trigger: the sql_mode its file gives it (mariadb-dump writes the
 * owner's trigger's own), else the server's default, as the mariadb client
 * running the file would have; the trigger keeps it for good.
 */
static int set_trigger_sql_mode(my_backend *m, const ddl_statement *st, diag_list *diags)
{
    strbuf sb = STRBUF_INIT;
    strbuf_appendf(&sb, "SET SESSION sql_mode = %s",
                   st->sql_mode ? st->sql_mode : "@@GLOBAL.sql_mode");
    int rc = sb.failed
                 ? -1
                 : my_conn_command(m->db, strbuf_str(&sb), "setting a trigger's sql_mode", diags);
    if (sb.failed)
        diag_add(diags, NULL, 0, 0, "out of memory");
    strbuf_free(&sb);
    return rc;
}

/* Runs the statements of `file` in `phase`; *count (may be NULL) gets how many more. */
static int run_file_phase(my_backend *m, const ddl_file *file, ddl_phase phase, size_t *count,
                          diag_list *diags)
{
    for (size_t s = 0; s < file->statement_count; s++) {
        const ddl_statement *st = &file->statements[s];
        if (phase_of(st) != phase)
            continue;
        if (phase == DDL_PHASE_TRIGGERS && set_trigger_sql_mode(m, st, diags) < 0)
            return -1;
        if (run_statement(m, st->source, file->display_name, diags) < 0)
            return -1;
        if (count)
            ++*count;
    }
    return 0;
}

/* Runs the statements of `phase`: first the preludes (the sequences a dump's tables draw
 * from), then the tables' files in dependency order; *count (may be NULL) gets how many. */
static int run_phase(my_backend *m, const schema_set *schemas, ddl_phase phase, size_t *count,
                     diag_list *diags)
{
    for (size_t k = 0; k < schemas->prelude_count; k++)
        if (run_file_phase(m, &schemas->preludes[k], phase, count, diags) < 0)
            return -1;
    for (size_t k = 0; k < schemas->count; k++)
        if (run_file_phase(m, &schemas->files[schemas->order[k]], phase, count, diags) < 0)
            return -1;
    return 0;
}

/* Every phase runs with foreign_key_checks off: cycles can be created, keys added cheaply. */
static int run_unchecked(my_backend *m, const schema_set *schemas, ddl_phase phase, size_t *count,
                         diag_list *diags)
{
    if (!m->db && !(m->db = my_backend_connect(m, m->database, diags)))
        return -1;
    if (my_conn_command(m->db, "SET SESSION foreign_key_checks = 0", "preparing the DDL", diags) <
        0)
        return -1;
    int rc = run_phase(m, schemas, phase, count, diags);
    diag_list ignored = DIAG_LIST_INIT;
    my_conn_command(m->db, "SET SESSION foreign_key_checks = 1", "after the DDL", &ignored);
    diag_list_clear(&ignored);
    return rc;
}

int my_create_tables(backend *b, const schema_set *schemas, diag_list *diags)
{
    return run_unchecked(as_my(b), schemas, DDL_PHASE_PRE_DATA, NULL, diags);
}

/*
 * After the commit: indexes and the keys ALTER TABLE adds (foster checks the
 * foreign keys over the rows itself, naming fixture lines, as MySQL does not
 * when its checks are off), then the triggers, so that none fires on a
 * fixture row.
 */
int my_finish_schema(backend *b, const schema_set *schemas, diag_list *diags)
{
    my_backend *m = as_my(b);
    size_t post = 0;
    if (run_unchecked(m, schemas, DDL_PHASE_POST_DATA, &post, diags) < 0)
        return -1;
    if (post && my_check_foreign_keys(m->db, diags) < 0)
        return -1;
    if (my_conn_command(m->db, "SET @foster_sql_mode = @@SESSION.sql_mode", "keeping the sql_mode",
                        diags) < 0)
        return -1;
    int rc = run_unchecked(m, schemas, DDL_PHASE_TRIGGERS, NULL, diags);
    diag_list ignored = DIAG_LIST_INIT;
    my_conn_command(m->db, "SET SESSION sql_mode = @foster_sql_mode", "after the triggers",
                    &ignored);
    diag_list_clear(&ignored);
    return rc;
}

int my_exec_sql(backend *b, const sql_statement *statement, const char *file, diag_list *diags)
{
    as_my(b)->sql_ran = true;
    return run_statement(as_my(b), statement, file, diags);
}

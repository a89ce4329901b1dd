/*
 * mycopy.c — isolation on MySQL/MariaDB: the pristine copy, reset, --jobs
 * copies and per-test savepoints. See backend_mysql.h.
 *
 * MySQL has no template databases. The snapshot is a marked sibling database
 * "<database>_tpl" made right after the load: each table from its SHOW
 * CREATE TABLE (keys, foreign keys and AUTO_INCREMENT included), its rows by
 * INSERT … SELECT (generated columns left to the server), then the triggers,
 * so that none fires on the copied rows. A detached helper (mynext.c) copies
 * it once more into "<database>_next", which reset swaps in by one RENAME
 * TABLE; without that copy, reset drops the database and copies the snapshot.
 * Connections to the database are ended first (an open transaction would hold
 * DROP DATABASE and RENAME TABLE on its metadata lock).
 */
#include <stdlib.h>
#include <string.h>

#include "backend_mysql.h"
#include "myconn.h"
#include "mydb.h"
#include "strbuf.h"

static int out_of_memory(diag_list *diags)
{
    diag_add(diags, NULL, 0, 0, "out of memory");
    return -1;
}

/* Runs `sql` built in `sb` (freed) on `mysql`. */
static int run_built(MYSQL *mysql, strbuf *sb, const char *what, diag_list *diags)
{
    int rc =
        sb->failed ? out_of_memory(diags) : my_conn_command(mysql, strbuf_str(sb), what, diags);
    strbuf_free(sb);
    return rc;
}

/*
 * The first column of the rows of `sql_before` 'schema' `sql_after`; with
 * `flagged`, also the number of rows whose second column is 1. NULL with a diag.
 */
static char **list_names(MYSQL *mysql, const char *sql_before, const char *schema,
                         const char *sql_after, size_t *count, size_t *flagged, diag_list *diags)
{
    strbuf sb = STRBUF_INIT;
    strbuf_append_str(&sb, sql_before);
    my_conn_append_string(&sb, mysql, schema, strlen(schema));
    strbuf_append_str(&sb, sql_after);
    *count = 0;
    if (flagged)
        *flagged = 0;
    if (sb.failed || mysql_query(mysql, strbuf_str(&sb)) != 0) {
        if (!sb.failed)
            diag_add(diags, NULL, 0, 0, "listing %s: %s (error %u)", schema, mysql_error(mysql),
                     mysql_errno(mysql));
        strbuf_free(&sb);
        return NULL;
    }
    strbuf_free(&sb);
    MYSQL_RES *result = mysql_store_result(mysql);
    size_t rows = result ? (size_t)mysql_num_rows(result) : 0;
    bool two_columns = result && mysql_num_fields(result) > 1;
    char **names = calloc(rows + 1, sizeof *names);
    MYSQL_ROW row;
    while (names && result && (row = mysql_fetch_row(result))) {
        names[(*count)++] = strdup(row[0] ? row[0] : "");
        if (flagged && two_columns && row[1] && strcmp(row[1], "1") == 0)
            (*flagged)++;
    }
    mysql_free_result(result);
    if (!names)
        out_of_memory(diags);
    return names;
}

char **my_list_names(MYSQL *mysql, const char *sql_before, const char *schema,
                     const char *sql_after, size_t *count, diag_list *diags)
{
    return list_names(mysql, sql_before, schema, sql_after, count, NULL, diags);
}

/* Column `column` of the one row of `sql`; NULL with a diag. */
static char *show_column(MYSQL *mysql, strbuf *sql, unsigned column, diag_list *diags)
{
    char *value = NULL;
    if (!sql->failed && mysql_query(mysql, strbuf_str(sql)) == 0) {
        MYSQL_RES *result = mysql_store_result(mysql);
        MYSQL_ROW row = result ? mysql_fetch_row(result) : NULL;
        if (row && mysql_num_fields(result) > column && row[column])
            value = strdup(row[column]);
        mysql_free_result(result);
    }
    if (!value)
        diag_add(diags, NULL, 0, 0, "%s: %s (error %u)", strbuf_str(sql), mysql_error(mysql),
                 mysql_errno(mysql));
    strbuf_free(sql);
    return value;
}

/*
 * A system-versioned table of `from`: appends ", <row start>, <row end>" (its
 * own period columns, or the implicit ROW_START and ROW_END) to `list`, and
 * returns 1; 0 for another table, -1 with a diag.
 */
static int append_period_columns(MYSQL *admin, const char *from, const char *table, strbuf *list,
                                 diag_list *diags)
{
    strbuf filter = STRBUF_INIT;
    strbuf_append_str(&filter, " AND TABLE_NAME = ");
    my_conn_append_string(&filter, admin, table, strlen(table));
    size_t versioned = 0, count = 0;
    char **type = filter.failed ? NULL
                                : my_list_names(admin,
                                                "SELECT TABLE_TYPE FROM information_schema.TABLES "
                                                "WHERE TABLE_TYPE = 'SYSTEM VERSIONED' AND "
                                                "TABLE_SCHEMA = ",
                                                from, strbuf_str(&filter), &versioned, diags);
    strbuf_append_str(&filter, " AND GENERATION_EXPRESSION IN ('ROW START', 'ROW END') "
                               "ORDER BY GENERATION_EXPRESSION DESC");
    char **columns = type && versioned && !filter.failed
                         ? my_list_names(admin,
                                         "SELECT COLUMN_NAME FROM information_schema.COLUMNS "
                                         "WHERE TABLE_SCHEMA = ",
                                         from, strbuf_str(&filter), &count, diags)
                         : NULL;
    strbuf_free(&filter);
    int rc = !type || (versioned && !columns) ? -1 : versioned ? 1 : 0;
    if (rc == 1 && count == 2)
        for (size_t i = 0; i < count; i++) {
            strbuf_append_str(list, ", ");
            my_append_identifier(list, columns[i]);
        }
    else if (rc == 1)
        strbuf_append_str(list, ", ROW_START, ROW_END");
    strings_free(type, versioned);
    strings_free(columns, count);
    return rc;
}

/*
 * One table: its definition, then its stored columns' rows. A system-versioned
 * table's rows are copied with their history and their row start and end as
 * they are when `history` (the session may insert them, MariaDB 10.11 and
 * later): the copy is the table as provisioned. Without it, its current rows.
 */
static int copy_table(MYSQL *admin, const char *from, const char *to, const char *table,
                      bool history, diag_list *diags)
{
    strbuf sb = STRBUF_INIT;
    strbuf_append_str(&sb, "SHOW CREATE TABLE ");
    my_append_identifier(&sb, from);
    strbuf_append_char(&sb, '.');
    my_append_identifier(&sb, table);
    char *shown = show_column(admin, &sb, 1, diags);
    /* MariaDB writes a default's sequence with its database (nextval(`from`.`seq`)): the
     * copy's table must draw from the copy's own sequence. */
    strbuf create = STRBUF_INIT;
    bool shown_ok = shown != NULL;
    if (shown_ok)
        my_append_requalified(&create, shown, "(", from, NULL);
    free(shown);
    if (!shown_ok || create.failed ||
        my_conn_command(admin, strbuf_str(&create), "copying a table", diags) < 0) {
        strbuf_free(&create);
        return -1;
    }
    strbuf_free(&create);
    size_t count = 0;
    strbuf filter = STRBUF_INIT;
    strbuf_append_str(&filter, " AND TABLE_NAME = ");
    my_conn_append_string(&filter, admin, table, strlen(table));
    strbuf_append_str(&filter, " AND COALESCE(GENERATION_EXPRESSION, '') = '' "
                               "ORDER BY ORDINAL_POSITION");
    char **columns = filter.failed
                         ? NULL
                         : my_list_names(admin,
                                         "SELECT COLUMN_NAME FROM information_schema.COLUMNS "
                                         "WHERE TABLE_SCHEMA = ",
                                         from, strbuf_str(&filter), &count, diags);
    strbuf_free(&filter);
    if (!columns)
        return -1;
    strbuf list = STRBUF_INIT;
    for (size_t i = 0; i < count; i++) {
        if (i)
            strbuf_append_str(&list, ", ");
        my_append_identifier(&list, columns[i]);
    }
    strings_free(columns, count);
    int versioned = history && count ? append_period_columns(admin, from, table, &list, diags) : 0;
    if (versioned < 0) {
        strbuf_free(&list);
        return -1;
    }
    strbuf_append_str(&sb, "INSERT INTO ");
    my_append_identifier(&sb, to);
    strbuf_append_char(&sb, '.');
    my_append_identifier(&sb, table);
    strbuf_appendf(&sb, " (%s) SELECT %s FROM ", strbuf_str(&list), strbuf_str(&list));
    my_append_identifier(&sb, from);
    strbuf_append_char(&sb, '.');
    my_append_identifier(&sb, table);
    if (versioned)
        strbuf_append_str(&sb, " FOR SYSTEM_TIME ALL");
    strbuf_free(&list);
    return count ? run_built(admin, &sb, "copying rows", diags) : (strbuf_free(&sb), 0);
}

/* A trigger, created under the sql_mode it was created with (it keeps that mode). */
static int copy_trigger(MYSQL *admin, const char *from, const char *trigger, diag_list *diags)
{
    strbuf sb = STRBUF_INIT;
    strbuf_append_str(&sb, "SHOW CREATE TRIGGER ");
    my_append_identifier(&sb, from);
    strbuf_append_char(&sb, '.');
    my_append_identifier(&sb, trigger);
    strbuf again = STRBUF_INIT;
    strbuf_append_str(&again, strbuf_str(&sb));
    char *mode = show_column(admin, &sb, 1, diags);
    char *create = mode ? show_column(admin, &again, 2, diags) : (strbuf_free(&again), NULL);
    if (create) {
        strbuf_append_str(&sb, "SET SESSION sql_mode = ");
        my_conn_append_string(&sb, admin, mode, strlen(mode));
    }
    int rc = create ? run_built(admin, &sb, "setting a trigger's sql_mode", diags) : -1;
    if (rc == 0)
        rc = my_conn_command(admin, create, "copying a trigger", diags);
    free(mode);
    free(create);
    return rc;
}

char **my_list_tables(MYSQL *admin, const char *schema, size_t *count, size_t *sequences,
                      diag_list *diags)
{
    return list_names(admin,
                      "SELECT TABLE_NAME, TABLE_TYPE = 'SEQUENCE' FROM information_schema.TABLES "
                      "WHERE TABLE_SCHEMA = ",
                      schema,
                      " AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED', 'SEQUENCE') AND "
                      "TABLE_NAME <> '" MY_MARKER_TABLE
                      "' ORDER BY TABLE_TYPE <> 'SEQUENCE', TABLE_NAME",
                      count, sequences, diags);
}

int my_copy_triggers(MYSQL *admin, const char *from, const char *to, diag_list *diags)
{
    if (mysql_select_db(admin, to) != 0) {
        diag_add(diags, NULL, 0, 0, "using %s: %s", to, mysql_error(admin));
        return -1;
    }
    size_t triggers = 0;
    char **trigger_names = my_list_names(
        admin, "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ", from,
        " ORDER BY EVENT_OBJECT_TABLE, ACTION_ORDER", &triggers, diags);
    int rc = trigger_names ? 0 : -1;
    if (rc == 0 && triggers)
        rc = my_conn_command(admin, "SET @foster_sql_mode = @@SESSION.sql_mode",
                             "keeping the sql_mode", diags);
    for (size_t i = 0; rc == 0 && i < triggers; i++)
        rc = copy_trigger(admin, from, trigger_names[i], diags);
    if (trigger_names && triggers) {
        diag_list ignored = DIAG_LIST_INIT;
        my_conn_command(admin, "SET SESSION sql_mode = @foster_sql_mode", "after the triggers",
                        &ignored);
        diag_list_clear(&ignored);
    }
    strings_free(trigger_names, triggers);
    return rc;
}

int my_copy_database(MYSQL *admin, const char *from, const char *to, bool triggers,
                     diag_list *diags)
{
    if (my_conn_command(admin,
                        "SET SESSION foreign_key_checks = 0, unique_checks = 0, sql_mode = "
                        "'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION'",
                        "preparing the copy", diags) < 0)
        return -1;
    if (mysql_select_db(admin, to) != 0) {
        diag_add(diags, NULL, 0, 0, "using %s: %s", to, mysql_error(admin));
        return -1;
    }
    diag_list ignored = DIAG_LIST_INIT;
    bool history = my_conn_command(admin, "SET SESSION system_versioning_insert_history = 1",
                                   "keeping the history", &ignored) == 0;
    diag_list_clear(&ignored);
    size_t tables = 0;
    char **table_names = my_list_tables(admin, from, &tables, NULL, diags);
    int rc = table_names ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < tables; i++)
        rc = copy_table(admin, from, to, table_names[i], history, diags);
    if (rc == 0 && triggers)
        rc = my_copy_triggers(admin, from, to, diags);
    strings_free(table_names, tables);
    my_conn_command(admin, "SET SESSION foreign_key_checks = 1, unique_checks = 1",
                    "after the copy", &ignored);
    if (history)
        my_conn_command(admin, "SET SESSION system_versioning_insert_history = 0", "after the copy",
                        &ignored);
    diag_list_clear(&ignored);
    return rc;
}

/* A new marked database `to` filled from `from`; dropped again when the copy fails. */
static int make_copy(my_backend *m, const char *from, const char *to, diag_list *diags)
{
    if (my_backend_admin(m, diags) < 0 ||
        my_db_create_marked(m->admin, to, m->marker, MY_MARKER_AUTO, diags) < 0)
        return -1;
    if (my_copy_database(m->admin, from, to, true, diags) == 0)
        return 0;
    diag_list ignored = DIAG_LIST_INIT;
    my_db_drop(m->admin, to, m->run_id, &ignored);
    diag_list_clear(&ignored);
    return -1;
}

int my_snapshot(backend *b, diag_list *diags)
{
    my_backend *m = as_my(b);
    char *tpl = my_sibling_name(m, "tpl");
    int rc = tpl ? make_copy(m, m->database, tpl, diags) : out_of_memory(diags);
    free(tpl);
    if (rc == 0)
        my_prepare_next_detached(m); /* the first reset's copy, while the tests run */
    return rc;
}

/* Ends the other connections working in database `name` (ours included: it reconnects). */
static void end_connections(MYSQL *admin, const char *name)
{
    diag_list ignored = DIAG_LIST_INIT;
    size_t count = 0;
    char **ids =
        my_list_names(admin, "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ", name,
                      " AND ID <> CONNECTION_ID()", &count, &ignored);
    for (size_t i = 0; ids && i < count; i++) {
        char sql[64];
        snprintf(sql, sizeof sql, "KILL CONNECTION %lld", atoll(ids[i]));
        my_conn_command(admin, sql, "ending a connection", &ignored);
    }
    strings_free(ids, count);
    diag_list_clear(&ignored);
}

/*
 * Drops the database and builds it again from the snapshot (no copy ready,
 * or the swap failed: RENAME TABLE changes all or nothing).
 */
static int rebuild(my_backend *m, const char *tpl, diag_list *diags)
{
    diag_list absent = DIAG_LIST_INIT;
    bool exists = my_db_read_marker(m->admin, m->database, NULL, &absent) != MY_NOT_FOUND;
    diag_list_clear(&absent);
    int rc = exists ? my_db_drop(m->admin, m->database, m->run_id, diags) : 0;
    return rc == 0 ? make_copy(m, tpl, m->database, diags) : -1;
}

/*
 * With the copy a helper made ahead (<database>_next, mynext.c): its tables
 * take the database's place in one RENAME TABLE, then the next copy is made
 * again after reset returns. Without one: drop and copy the snapshot.
 */
int my_reset(backend *b, bool keep_next_ready, diag_list *diags)
{
    my_backend *m = as_my(b);
    (void)keep_next_ready; /* a detached helper either way: it outlives a one-shot reset */
    if (m->db)
        mysql_close(m->db);
    m->db = NULL;
    if (my_backend_admin(m, diags) < 0)
        return -1;
    my_wait_for_helper(m, false);
    char *tpl = my_sibling_name(m, "tpl");
    if (!tpl)
        return out_of_memory(diags);
    diag_list absent = DIAG_LIST_INIT;
    my_marker_state state = my_db_read_marker(m->admin, tpl, NULL, &absent);
    diag_list_clear(&absent);
    int rc = 0;
    if (state != MY_MARKED) {
        diag_add(diags, NULL, 0, 0, "database %s has no pristine copy to reset to", m->database);
        rc = -1;
    }
    if (rc == 0) {
        end_connections(m->admin, m->database);
        diag_list failed = DIAG_LIST_INIT;
        if (my_swap_in_next(m, tpl, &failed) < 0)
            rc = rebuild(m, tpl, diags);
        diag_list_clear(&failed);
    }
    if (rc == 0)
        my_prepare_next_detached(m); /* else (no runtime directory) the next reset rebuilds */
    free(tpl);
    return rc;
}

backend *my_copy(backend *b, const char *suffix, diag_list *diags)
{
    my_backend *m = as_my(b);
    my_backend *c = calloc(1, sizeof *c);
    char *name = my_sibling_name(m, suffix);
    char *server = m->cluster ? NULL : my_url_format(&m->server, NULL, true);
    if (!c || !name || (!m->cluster && !server)) {
        free(c);
        free(name);
        free(server);
        out_of_memory(diags);
        return NULL;
    }
    c->base.ops = b->ops;
    c->borrowed = true;
    c->cluster = m->cluster;
    c->server_text = server;
    c->database = name;
    c->run_id = strdup(m->run_id);
    c->marker = strdup(m->marker);
    c->runtime_dir = m->runtime_dir ? strdup(m->runtime_dir) : NULL;
    char *tpl = my_sibling_name(m, "tpl");
    int rc = c->run_id && c->marker && tpl ? 0 : out_of_memory(diags);
    if (rc == 0)
        rc = my_backend_parse_server(c, diags);
    if (rc == 0)
        rc = make_copy(c, tpl, name, diags);
    free(tpl);
    c->created = c->marked = rc == 0;
    if (rc == 0 && my_backend_describe(c) < 0)
        rc = out_of_memory(diags);
    if (rc == 0) {
        mysql_close(c->admin);
        c->admin = NULL;
        return &c->base;
    }
    b->ops->free(&c->base);
    return NULL;
}

int my_drop_copy(backend *b, const char *suffix, diag_list *diags)
{
    my_backend *m = as_my(b);
    char *name = my_sibling_name(m, suffix);
    if (!name)
        return out_of_memory(diags);
    int rc = my_backend_admin(m, diags);
    diag_list absent = DIAG_LIST_INIT;
    if (rc == 0 && my_db_read_marker(m->admin, name, NULL, &absent) != MY_NOT_FOUND)
        rc = my_db_drop(m->admin, name, m->run_id, diags);
    diag_list_clear(&absent);
    free(name);
    return rc;
}

static int ensure_database(my_backend *m, diag_list *diags)
{
    if (!m->db)
        m->db = my_backend_connect(m, m->database, diags);
    return m->db ? 0 : -1;
}

int my_test_begin(backend *b, diag_list *diags)
{
    my_backend *m = as_my(b);
    if (ensure_database(m, diags) < 0 ||
        my_conn_command(m->db, "START TRANSACTION", "cannot begin the test", diags) < 0)
        return -1;
    return my_conn_command(m->db, "SAVEPOINT foster_test", "cannot begin the test", diags);
}

int my_test_end(backend *b, diag_list *diags)
{
    my_backend *m = as_my(b);
    if (ensure_database(m, diags) < 0)
        return -1;
    return my_conn_command(m->db, "ROLLBACK", "cannot roll the test back", diags);
}

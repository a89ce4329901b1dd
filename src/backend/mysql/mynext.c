/*
 * mynext.c — the next reset's copy on MySQL/MariaDB, made ahead by a
 * detached helper, and swapped in by one RENAME TABLE. See backend_mysql.h.
 *
 * MySQL has neither template databases nor RENAME DATABASE, but RENAME TABLE
 * moves any number of tables between databases in one atomic statement (and
 * InnoDB points the foreign keys at the tables' new places). So after the
 * snapshot, and after each reset, a helper copies the snapshot into
 * "<database>_next" (tables and rows, no triggers: a table that has triggers
 * cannot move to another database); reset then drops the database's
 * triggers, moves its tables out to "<database>_old" and the copy's in, and
 * creates the snapshot's triggers again: a few statements, whatever the rows.
 * A default that draws from a sequence still names the copy's database after
 * the move (MariaDB keeps it): when sequences came in, those defaults are set
 * again to name the database's own (one ALTER TABLE per such table).
 *
 * As for PostgreSQL (pgnext.c), the helper is util/nexthelper.h's: its own
 * session, never stopped half way, holding the run's next.lock, on which
 * reset and teardown (and so gc's reaping) wait before they touch the run's
 * databases.
 */
#include <stdlib.h>
#include <string.h>

#include "backend_mysql.h"
#include "myconn.h"
#include "mydb.h"
#include "nexthelper.h"
#include "strbuf.h"

void my_wait_for_helper(my_backend *m, bool remove)
{
    char *path = next_helper_lock_path(m->runtime_dir, m->database);
    next_helper_wait(path, remove);
    free(path);
}

void my_settle(backend *b)
{
    my_wait_for_helper(as_my(b), false);
}

/* Drops the run's sibling `name` when it exists. 0, or -1 with a diag. */
static int drop_if_there(MYSQL *admin, const my_backend *m, const char *name, diag_list *diags)
{
    diag_list absent = DIAG_LIST_INIT;
    bool there = my_db_read_marker(admin, name, NULL, &absent) != MY_NOT_FOUND;
    diag_list_clear(&absent);
    return there ? my_db_drop(admin, name, m->run_id, diags) : 0;
}

typedef struct next_work {
    my_backend *backend;
    char *tpl, *next, *old;
} next_work;

/* In the helper: drop the retired tables and the used copy, make the next one. */
static void make_next(void *context)
{
    const next_work *w = context;
    my_backend *m = w->backend;
    diag_list ignored = DIAG_LIST_INIT;
    /* A connection of its own: the parent's are never used nor closed here. */
    m->admin = NULL;
    m->db = NULL;
    MYSQL *admin = my_backend_connect(m, NULL, &ignored);
    int rc = admin ? 0 : -1;
    if (rc == 0)
        rc = drop_if_there(admin, m, w->old, &ignored);
    if (rc == 0)
        rc = drop_if_there(admin, m, w->next, &ignored);
    if (rc == 0)
        rc = my_db_create_marked(admin, w->next, m->marker, MY_MARKER_AUTO, &ignored);
    if (rc == 0 && my_copy_database(admin, w->tpl, w->next, false, &ignored) < 0)
        my_db_drop(admin, w->next, m->run_id, &ignored); /* half a copy: reset must not take it */
    if (admin)
        mysql_close(admin);
    diag_list_clear(&ignored);
}

void my_prepare_next_detached(my_backend *m)
{
    if (m->borrowed)
        return;
    char *path = next_helper_lock_path(m->runtime_dir, m->database);
    next_work work = {m, my_sibling_name(m, "tpl"), my_sibling_name(m, "next"),
                      my_sibling_name(m, "old")};
    if (path && work.tpl && work.next && work.old)
        next_helper_start(path, -1, make_next, &work);
    free(path);
    free(work.tpl);
    free(work.next);
    free(work.old);
}

/* "RENAME TABLE `a`.`t` TO `b`.`t`, …" for each of `names`, appended to `sb`. */
static void append_moves(strbuf *sb, const char *from, const char *to, char **names, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        strbuf_append_str(sb, sb->length ? ", " : "RENAME TABLE ");
        my_append_identifier(sb, from);
        strbuf_append_char(sb, '.');
        my_append_identifier(sb, names[i]);
        strbuf_append_str(sb, " TO ");
        my_append_identifier(sb, to);
        strbuf_append_char(sb, '.');
        my_append_identifier(sb, names[i]);
    }
}

/* Drops the triggers of database `name` (they would keep its tables from moving). */
static int drop_triggers(MYSQL *admin, const char *name, diag_list *diags)
{
    size_t count = 0;
    char **triggers = my_list_names(
        admin, "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ", name,
        "", &count, diags);
    int rc = triggers ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < count; i++) {
        strbuf sb = STRBUF_INIT;
        strbuf_append_str(&sb, "DROP TRIGGER ");
        my_append_identifier(&sb, name);
        strbuf_append_char(&sb, '.');
        my_append_identifier(&sb, triggers[i]);
        rc = sb.failed ? -1 : my_conn_command(admin, strbuf_str(&sb), "dropping a trigger", diags);
        strbuf_free(&sb);
    }
    strings_free(triggers, count);
    return rc;
}

/*
 * The tables of the database out to `old`, those of `next` in: one statement.
 * `sequences`: how many of those moved in are sequences.
 */
static int move_tables(my_backend *m, const char *next, const char *old, size_t *sequences,
                       diag_list *diags)
{
    size_t current_count = 0, next_count = 0;
    char **current = my_list_tables(m->admin, m->database, &current_count, NULL, diags);
    char **ready = current ? my_list_tables(m->admin, next, &next_count, sequences, diags) : NULL;
    int rc = ready ? 0 : -1;
    if (rc == 0 && next_count == 0 && current_count > 0) {
        diag_add(diags, NULL, 0, 0, "%s holds no tables", next);
        rc = -1;
    }
    strbuf sb = STRBUF_INIT;
    if (rc == 0) {
        append_moves(&sb, m->database, old, current, current_count);
        append_moves(&sb, next, m->database, ready, next_count);
    }
    if (rc == 0 && sb.length)
        rc = sb.failed ? -1
                       : my_conn_command(m->admin, strbuf_str(&sb), "swapping the copy in", diags);
    strbuf_free(&sb);
    strings_free(current, current_count);
    strings_free(ready, next_count);
    return rc;
}

/* Runs the ALTER TABLE built in `sb` (then emptied), if any. 0, or -1 with a diag. */
static int run_alter(MYSQL *admin, strbuf *sb, diag_list *diags)
{
    int rc = 0;
    if (sb->failed) {
        diag_add(diags, NULL, 0, 0, "out of memory");
        rc = -1;
    } else if (sb->length)
        rc = my_conn_command(admin, strbuf_str(sb), "setting a default's sequence", diags);
    strbuf_free(sb);
    return rc;
}

/*
 * The tables moved in from `next` keep defaults that name `next`'s sequences
 * (MariaDB stores a default's sequence with its database and RENAME TABLE
 * leaves it so): each such column's default is set again, naming the
 * database's own sequence (moved in with them, in the snapshot's state).
 * MariaDB changes only the table's definition (instant): no row is read.
 */
static int rebind_sequence_defaults(my_backend *m, const char *next, diag_list *diags)
{
    strbuf sb = STRBUF_INIT, mark = STRBUF_INIT;
    strbuf_append_char(&mark, '(');
    my_append_identifier(&mark, next);
    strbuf_append_char(&mark, '.');
    strbuf_append_str(&sb, "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_DEFAULT FROM "
                           "information_schema.COLUMNS WHERE TABLE_SCHEMA = ");
    my_conn_append_string(&sb, m->admin, m->database, strlen(m->database));
    strbuf_append_str(&sb, " AND LOCATE(");
    my_conn_append_string(&sb, m->admin, strbuf_str(&mark), mark.length);
    strbuf_append_str(&sb, ", COLUMN_DEFAULT) > 0 ORDER BY TABLE_NAME, ORDINAL_POSITION");
    bool built = !sb.failed && !mark.failed;
    strbuf_free(&mark);
    MYSQL_RES *result =
        built && mysql_query(m->admin, strbuf_str(&sb)) == 0 ? mysql_store_result(m->admin) : NULL;
    strbuf_free(&sb);
    if (!result) {
        diag_add(diags, NULL, 0, 0, "finding sequence defaults: %s",
                 built ? mysql_error(m->admin) : "out of memory");
        return -1;
    }
    MYSQL_ROW row;
    char *table = NULL;
    const char *separator = " ";
    int rc = 0;
    while (rc == 0 && (row = mysql_fetch_row(result))) {
        if (!row[0] || !row[1] || !row[2])
            continue;
        if (!table || strcmp(table, row[0]) != 0) {
            rc = run_alter(m->admin, &sb, diags);
            free(table);
            table = strdup(row[0]);
            strbuf_append_str(&sb, "ALTER TABLE ");
            my_append_identifier(&sb, m->database);
            strbuf_append_char(&sb, '.');
            my_append_identifier(&sb, row[0]);
            sb.failed |= !table;
            separator = " ";
        }
        strbuf_append_str(&sb, separator);
        strbuf_append_str(&sb, "ALTER COLUMN ");
        separator = ", ";
        my_append_identifier(&sb, row[1]);
        strbuf_append_str(&sb, " SET DEFAULT (");
        my_append_requalified(&sb, row[2], "(", next, m->database);
        strbuf_append_char(&sb, ')');
    }
    if (rc == 0)
        rc = run_alter(m->admin, &sb, diags);
    strbuf_free(&sb);
    free(table);
    mysql_free_result(result);
    return rc;
}

int my_swap_in_next(my_backend *m, const char *tpl, diag_list *diags)
{
    char *next = my_sibling_name(m, "next"), *old = my_sibling_name(m, "old");
    int rc = next && old ? 0 : -1;
    diag_list absent = DIAG_LIST_INIT;
    if (rc == 0 && my_db_read_marker(m->admin, next, NULL, &absent) != MY_MARKED) {
        diag_add(diags, NULL, 0, 0, "no copy %s made ahead", next);
        rc = -1;
    }
    diag_list_clear(&absent);
    if (rc == 0)
        rc = drop_if_there(m->admin, m, old, diags); /* left by a helper that never ran */
    if (rc == 0)
        rc = my_db_create_marked(m->admin, old, m->marker, MY_MARKER_AUTO, diags);
    if (rc == 0)
        rc = drop_triggers(m->admin, m->database, diags);
    size_t sequences = 0;
    if (rc == 0)
        rc = move_tables(m, next, old, &sequences, diags);
    if (rc == 0 && sequences > 0)
        rc = rebind_sequence_defaults(m, next, diags);
    if (rc == 0)
        rc = my_copy_triggers(m->admin, tpl, m->database, diags);
    free(next);
    free(old);
    return rc;
}

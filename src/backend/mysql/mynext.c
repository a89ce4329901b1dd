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
    my_free_names(triggers, count);
    return rc;
}

/* The tables of the database out to `old`, those of `next` in: one statement. */
static int move_tables(my_backend *m, const char *next, const char *old, diag_list *diags)
{
    size_t current_count = 0, next_count = 0;
    char **current = my_list_tables(m->admin, m->database, &current_count, diags);
    char **ready = current ? my_list_tables(m->admin, next, &next_count, diags) : NULL;
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
    my_free_names(current, current_count);
    my_free_names(ready, next_count);
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
    if (rc == 0)
        rc = move_tables(m, next, old, diags);
    if (rc == 0)
        rc = my_copy_triggers(m->admin, tpl, m->database, diags);
    free(next);
    free(old);
    return rc;
}

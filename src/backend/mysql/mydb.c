/*
 * mydb.c — test databases with foster's marker on MySQL/MariaDB. See mydb.h.
 */
#include "mydb.h"

#include <stdlib.h>
#include <string.h>

#include "myconn.h"
#include "strbuf.h"

#define NAME_MAX_LENGTH 64

char *my_db_name(const char *name, const char *run_id)
{
    char *full = strbuf_format("test_%s_%s", name, run_id);
    size_t length = full ? strlen(full) : 0;
    if (length > NAME_MAX_LENGTH) { /* keep the run id: it tells runs apart */
        size_t id = strlen(run_id) + 1;
        memmove(full + NAME_MAX_LENGTH - id, full + length - id, id + 1);
    }
    return full;
}

/* Whether the server keeps schema comments (MariaDB >= 10.5). */
int my_db_has_schema_comments(MYSQL *admin, diag_list *diags)
{
    bool found;
    char *value = my_conn_query_value(admin,
                                      "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE "
                                      "TABLE_SCHEMA = 'information_schema' AND TABLE_NAME = "
                                      "'SCHEMATA' AND COLUMN_NAME = 'SCHEMA_COMMENT'",
                                      &found, diags);
    if (!value)
        return -1;
    int has = strcmp(value, "0") != 0;
    free(value);
    return has;
}

static int create_marker_table(MYSQL *admin, const char *name, const char *marker, diag_list *diags)
{
    strbuf sb = STRBUF_INIT;
    strbuf_append_str(&sb, "CREATE TABLE ");
    my_append_identifier(&sb, name);
    strbuf_append_str(&sb, "." MY_MARKER_TABLE " (marker TEXT NOT NULL) ENGINE=InnoDB");
    int rc =
        sb.failed ? -1 : my_conn_command(admin, strbuf_str(&sb), "marking the database", diags);
    strbuf_reset(&sb);
    strbuf_append_str(&sb, "INSERT INTO ");
    my_append_identifier(&sb, name);
    strbuf_append_str(&sb, "." MY_MARKER_TABLE " VALUES (");
    my_conn_append_string(&sb, admin, marker, strlen(marker));
    strbuf_append_char(&sb, ')');
    if (rc == 0)
        rc =
            sb.failed ? -1 : my_conn_command(admin, strbuf_str(&sb), "marking the database", diags);
    strbuf_free(&sb);
    return rc;
}

int my_db_create(MYSQL *admin, const char *name, const char *run_id, my_marker_place place,
                 diag_list *diags)
{
    char *marker = db_marker_text(run_id, NULL, false);
    if (!marker)
        return diag_add(diags, NULL, 0, 0, "out of memory"), -1;
    int rc = my_db_create_marked(admin, name, marker, place, diags);
    free(marker);
    return rc;
}

int my_db_create_marked(MYSQL *admin, const char *name, const char *marker, my_marker_place place,
                        diag_list *diags)
{
    int comment = place == MY_MARKER_COMMENT;
    if (place == MY_MARKER_AUTO && (comment = my_db_has_schema_comments(admin, diags)) < 0)
        return -1;
    strbuf sb = STRBUF_INIT;
    strbuf_append_str(&sb, "CREATE DATABASE ");
    my_append_identifier(&sb, name);
    strbuf_append_str(&sb, " CHARACTER SET utf8mb4");
    if (comment) {
        strbuf_append_str(&sb, " COMMENT ");
        my_conn_append_string(&sb, admin, marker, strlen(marker));
    }
    char *what = strbuf_format("creating database %s", name);
    int rc = what && !sb.failed ? my_conn_command(admin, strbuf_str(&sb), what, diags) : -1;
    if (!what || sb.failed)
        diag_add(diags, NULL, 0, 0, "out of memory");
    if (rc == 0 && !comment && create_marker_table(admin, name, marker, diags) < 0) {
        strbuf_reset(&sb);
        strbuf_append_str(&sb, "DROP DATABASE ");
        my_append_identifier(&sb, name);
        diag_list ignored = DIAG_LIST_INIT;
        my_conn_command(admin, strbuf_str(&sb), "dropping the half-made database", &ignored);
        diag_list_clear(&ignored);
        rc = -1;
    }
    strbuf_free(&sb);
    free(what);
    return rc;
}

int my_db_set_marker(MYSQL *admin, const char *name, const char *marker, diag_list *diags)
{
    int comments = my_db_has_schema_comments(admin, diags);
    if (comments < 0)
        return -1;
    strbuf sb = STRBUF_INIT;
    if (comments) {
        strbuf_append_str(&sb, "ALTER DATABASE ");
        my_append_identifier(&sb, name);
        strbuf_append_str(&sb, " COMMENT ");
    } else {
        strbuf_append_str(&sb, "UPDATE ");
        my_append_identifier(&sb, name);
        strbuf_append_str(&sb, "." MY_MARKER_TABLE " SET marker = ");
    }
    my_conn_append_string(&sb, admin, marker, strlen(marker));
    int rc = sb.failed ? diag_add(diags, NULL, 0, 0, "out of memory"),
        -1             : my_conn_command(admin, strbuf_str(&sb), "marking the database", diags);
    strbuf_free(&sb);
    return rc;
}

/* The marker table's text, or NULL (no table: *missing set; else a diag). */
static char *read_marker_table(MYSQL *admin, const char *name, bool *missing, diag_list *diags)
{
    strbuf sb = STRBUF_INIT;
    strbuf_append_str(&sb, "SELECT marker FROM ");
    my_append_identifier(&sb, name);
    strbuf_append_str(&sb, "." MY_MARKER_TABLE " LIMIT 1");
    diag_list attempt = DIAG_LIST_INIT;
    bool found = false;
    char *value = sb.failed ? NULL : my_conn_query_value(admin, strbuf_str(&sb), &found, &attempt);
    *missing = !value && (mysql_errno(admin) == 1146 || (attempt.count == 0 && !found));
    if (!*missing)
        diag_list_move(diags, &attempt);
    diag_list_clear(&attempt);
    strbuf_free(&sb);
    return value;
}

my_marker_state my_db_read_marker(MYSQL *admin, const char *name, char **marker, diag_list *diags)
{
    if (marker)
        *marker = NULL;
    strbuf sb = STRBUF_INIT;
    int comments = my_db_has_schema_comments(admin, diags);
    if (comments < 0)
        return MY_MARKER_ERROR;
    strbuf_appendf(&sb, "SELECT %s FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ",
                   comments ? "COALESCE(SCHEMA_COMMENT, '')" : "''");
    my_conn_append_string(&sb, admin, name, strlen(name));
    bool exists = false;
    char *comment = my_conn_query_value(admin, strbuf_str(&sb), &exists, diags);
    strbuf_free(&sb);
    if (!exists)
        return diags->count && mysql_errno(admin) ? MY_MARKER_ERROR : MY_NOT_FOUND;
    char *text = NULL;
    if (strncmp(comment, DB_MARKER_PREFIX, strlen(DB_MARKER_PREFIX)) == 0) {
        text = comment;
        comment = NULL;
    } else {
        bool missing = false;
        text = read_marker_table(admin, name, &missing, diags);
        if (!text && !missing) {
            free(comment);
            return MY_MARKER_ERROR;
        }
    }
    free(comment);
    bool marked = text && strncmp(text, DB_MARKER_PREFIX, strlen(DB_MARKER_PREFIX)) == 0;
    if (marked && marker)
        *marker = text;
    else
        free(text);
    return marked ? MY_MARKED : MY_NOT_MARKED;
}

/* Whether `marker` names run `run_id` ("…; run <id>; pid …"). */
static bool marker_names_run(const char *marker, const char *run_id)
{
    const char *id = marker + strlen(DB_MARKER_PREFIX);
    size_t length = strlen(run_id);
    return strncmp(id, run_id, length) == 0 && id[length] == ';';
}

int my_db_drop(MYSQL *admin, const char *name, const char *run_id, diag_list *diags)
{
    char *marker = NULL;
    my_marker_state state = my_db_read_marker(admin, name, &marker, diags);
    int rc = -1;
    if (state == MY_NOT_FOUND) {
        diag_add(diags, NULL, 0, 0, "database %s does not exist", name);
    } else if (state == MY_NOT_MARKED) {
        diag *d = diag_add(diags, NULL, 0, 0,
                           "database %s is not marked as foster's: not dropping it", name);
        diag_set_hint(d, "foster only drops databases it created");
    } else if (state == MY_MARKED && run_id && !marker_names_run(marker, run_id)) {
        diag_add(diags, NULL, 0, 0, "database %s belongs to another run (%s): not dropping it",
                 name, marker);
    } else if (state == MY_MARKED) {
        strbuf sb = STRBUF_INIT;
        strbuf_append_str(&sb, "DROP DATABASE ");
        my_append_identifier(&sb, name);
        char *what = strbuf_format("dropping database %s", name);
        rc = my_conn_command(admin, strbuf_str(&sb), what ? what : "dropping", diags);
        free(what);
        strbuf_free(&sb);
    }
    free(marker);
    return rc;
}

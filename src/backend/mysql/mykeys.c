/*
 * mykeys.c — foreign keys checked by foster after the load. Fixtures load
 * with foreign_key_checks off (tables in any order, cycles), and MySQL does
 * not re-check rows when the checks come back on; so every foreign key of
 * the database is checked here, before the commit, by a query per key that
 * finds a row whose non-NULL key has no referenced row (MATCH SIMPLE, as the
 * server itself checks). A violation is reported as data (table, constraint,
 * column, value) for src/fixtures/ to find the fixture line.
 */
#include <stdlib.h>
#include <string.h>

#include "backend_mysql.h"
#include "myconn.h"
#include "strbuf.h"

typedef struct key_part {
    char *constraint, *table, *column, *referenced_table, *referenced_column;
} key_part;

static const char keys_sql[] =
    "SELECT CONSTRAINT_NAME, TABLE_NAME, COLUMN_NAME, REFERENCED_TABLE_NAME, "
    "REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = "
    "DATABASE() AND REFERENCED_TABLE_NAME IS NOT NULL AND REFERENCED_TABLE_SCHEMA = DATABASE() "
    "ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION";

static void free_parts(key_part *parts, size_t count)
{
    for (size_t i = 0; parts && i < count; i++) {
        free(parts[i].constraint);
        free(parts[i].table);
        free(parts[i].column);
        free(parts[i].referenced_table);
        free(parts[i].referenced_column);
    }
    free(parts);
}

static key_part *read_parts(MYSQL *db, size_t *count, diag_list *diags)
{
    *count = 0;
    if (mysql_query(db, keys_sql) != 0) {
        diag_add(diags, NULL, 0, 0, "reading the foreign keys: %s (error %u)", mysql_error(db),
                 mysql_errno(db));
        return NULL;
    }
    MYSQL_RES *result = mysql_store_result(db);
    size_t rows = result ? (size_t)mysql_num_rows(result) : 0;
    key_part *parts = calloc(rows + 1, sizeof *parts);
    MYSQL_ROW row;
    while (parts && result && (row = mysql_fetch_row(result))) {
        key_part *p = &parts[(*count)++];
        p->constraint = strdup(row[0] ? row[0] : "");
        p->table = strdup(row[1] ? row[1] : "");
        p->column = strdup(row[2] ? row[2] : "");
        p->referenced_table = strdup(row[3] ? row[3] : "");
        p->referenced_column = strdup(row[4] ? row[4] : "");
    }
    mysql_free_result(result);
    if (!parts)
        diag_add(diags, NULL, 0, 0, "out of memory");
    return parts;
}

static bool same_key(const key_part *a, const key_part *b)
{
    return strcmp(a->table, b->table) == 0 && strcmp(a->constraint, b->constraint) == 0;
}

/* SELECT c.<first> FROM child c WHERE <all set> AND NOT EXISTS (referenced row) LIMIT 1 */
static void build_check(strbuf *sb, const key_part *parts, size_t count)
{
    strbuf_append_str(sb, "SELECT c.");
    my_append_identifier(sb, parts[0].column);
    strbuf_append_str(sb, " FROM ");
    my_append_identifier(sb, parts[0].table);
    strbuf_append_str(sb, " c WHERE ");
    for (size_t i = 0; i < count; i++) {
        strbuf_append_str(sb, "c.");
        my_append_identifier(sb, parts[i].column);
        strbuf_append_str(sb, " IS NOT NULL AND ");
    }
    strbuf_append_str(sb, "NOT EXISTS (SELECT 1 FROM ");
    my_append_identifier(sb, parts[0].referenced_table);
    strbuf_append_str(sb, " r WHERE ");
    for (size_t i = 0; i < count; i++) {
        strbuf_appendf(sb, "%sr.", i ? " AND " : "");
        my_append_identifier(sb, parts[i].referenced_column);
        strbuf_append_str(sb, " = c.");
        my_append_identifier(sb, parts[i].column);
    }
    strbuf_append_str(sb, ") LIMIT 1");
}

/* One key (its `count` columns): 0 when every row has its referenced row. */
static int check_key(MYSQL *db, const key_part *parts, size_t count, diag_list *diags)
{
    strbuf sb = STRBUF_INIT;
    build_check(&sb, parts, count);
    bool found = false;
    char *value = sb.failed ? NULL : my_conn_query_value(db, strbuf_str(&sb), &found, diags);
    strbuf_free(&sb);
    if (!found)
        return diags->count && mysql_errno(db) ? -1 : 0;
    diag *d = diag_add(diags, NULL, 0, 0,
                       "insert or update on table \"%s\" violates foreign key constraint \"%s\": "
                       "Key (%s)=(%s) is not present in table \"%s\"",
                       parts[0].table, parts[0].constraint, parts[0].column, value,
                       parts[0].referenced_table);
    diag_set_violation(d, parts[0].table, parts[0].constraint, parts[0].column, value, 0);
    free(value);
    return -1;
}

int my_check_foreign_keys(MYSQL *db, diag_list *diags)
{
    size_t count = 0;
    key_part *parts = read_parts(db, &count, diags);
    if (!parts)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < count;) {
        size_t n = 1;
        while (i + n < count && same_key(&parts[i], &parts[i + n]))
            n++;
        if (check_key(db, &parts[i], n, diags) < 0)
            rc = -1;
        i += n;
    }
    free_parts(parts, count);
    return rc;
}

/*
 * pgcatalog.c — the owner's DDL read from the catalogs, when pg_dump is not
 * installed (pgdump.c falls back to it): the same statements pg_dump would
 * write for the tables, in its spelling (format_type, pg_get_expr,
 * pg_get_constraintdef, pg_get_indexdef, pg_get_triggerdef,
 * pg_get_functiondef, with search_path '' so every name is qualified), so
 * that foster reads both alike. Per table: the functions its defaults,
 * checks and triggers call, its owned sequences, CREATE TABLE with columns,
 * defaults, NOT NULL, identity and checks, then its keys, indexes, triggers,
 * comments and owner. For the whole database (no tables named) the enum
 * types and domains come first. All of it in one REPEATABLE READ, READ ONLY
 * transaction: nothing is written to the owner's database. Grants are not
 * read (they are compared only by `diff --strict`).
 */
#include <stdlib.h>
#include <string.h>

#include "pgconn.h"
#include "pgcatalog.h"
#include "pqapi.h"
#include "strbuf.h"

#define OID_TYPE 26 /* pg_type.oid of oid, for PQexecParams */

/* Schemas of the system and of extensions' members are never the owner's. */
#define USER_NAMESPACE(ns)                                                                         \
    "(" ns " NOT IN ('pg_catalog', 'information_schema') AND " ns " NOT LIKE 'pg\\_%')"
#define NOT_EXTENSION_MEMBER(catalog, oid)                                                         \
    "NOT EXISTS (SELECT 1 FROM pg_depend x WHERE x.classid = '" catalog "'::regclass AND "         \
    "x.objid = " oid " AND x.deptype = 'e')"

static const char whole_tables[] =
    "SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relkind IN ('r', 'p') AND " USER_NAMESPACE("n.nspname") " AND " NOT_EXTENSION_MEMBER(
        "pg_class", "c.oid") " ORDER BY n.nspname, c.relname";

/* $1 schema ('' when the name has none: the table on the search_path), $2 table. */
static const char one_table[] =
    "SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relkind IN ('r', 'p') AND c.relname = $2 AND "
    "CASE WHEN $1 = '' THEN pg_table_is_visible(c.oid) ELSE n.nspname = $1 END";

static const char enum_types[] =
    "SELECT format(E'CREATE TYPE %s AS ENUM (\\n%s\\n);', t.oid::regtype, "
    "string_agg('    ' || quote_literal(e.enumlabel), E',\\n' ORDER BY e.enumsortorder)) "
    "FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid "
    "JOIN pg_namespace n ON n.oid = t.typnamespace "
    "WHERE " USER_NAMESPACE("n.nspname") " AND " NOT_EXTENSION_MEMBER(
        "pg_type", "t.oid") " GROUP BY t.oid ORDER BY t.oid";

static const char domains[] =
    "SELECT format('CREATE DOMAIN %s AS %s', t.oid::regtype, "
    "format_type(t.typbasetype, t.typtypmod)) "
    "|| CASE WHEN t.typdefault IS NOT NULL THEN ' DEFAULT ' || t.typdefault ELSE '' END "
    "|| CASE WHEN t.typnotnull THEN ' NOT NULL' ELSE '' END "
    "|| coalesce((SELECT string_agg(format(E'\\n\\tCONSTRAINT %I %s', c.conname, "
    "pg_get_constraintdef(c.oid)), '' ORDER BY c.conname) FROM pg_constraint c "
    "WHERE c.contypid = t.oid), '') || ';' "
    "FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
    "WHERE t.typtype = 'd' AND " USER_NAMESPACE("n.nspname") " AND " NOT_EXTENSION_MEMBER(
        "pg_type", "t.oid") " ORDER BY t.oid";

/* The functions table $1's defaults, checks and triggers call. */
static const char functions[] =
    "SELECT pg_get_functiondef(p.oid) || ';' FROM pg_proc p "
    "JOIN pg_namespace n ON n.oid = p.pronamespace "
    "WHERE " USER_NAMESPACE("n.nspname") " AND " NOT_EXTENSION_MEMBER(
        "pg_proc", "p.oid") " AND p.prokind IN ('f', 'p') AND (p.oid IN "
                            "(SELECT t.tgfoid FROM pg_trigger t WHERE t.tgrelid = $1 AND NOT "
                            "t.tgisinternal) "
                            "OR p.oid IN (SELECT d.refobjid FROM pg_depend d WHERE d.refclassid = "
                            "'pg_proc'::regclass AND "
                            "((d.classid = 'pg_attrdef'::regclass AND d.objid IN "
                            "(SELECT oid FROM pg_attrdef WHERE adrelid = $1)) OR "
                            "(d.classid = 'pg_constraint'::regclass AND d.objid IN "
                            "(SELECT oid FROM pg_constraint WHERE conrelid = $1))))) "
                            "ORDER BY p.proname, p.oid";

/* The sequences table $1's columns own (serial; identity sequences are the column's). */
#define OWNED_SEQUENCES                                                                            \
    "FROM pg_depend d JOIN pg_class s ON s.oid = d.objid JOIN pg_sequence q ON q.seqrelid = "      \
    "s.oid "                                                                                       \
    "JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "                 \
    "WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass "              \
    "AND d.refobjid = $1 AND d.deptype = 'a' AND s.relkind = 'S' ORDER BY s.relname"

static const char sequences[] =
    "SELECT format(E'CREATE SEQUENCE %s\\n    AS %s\\n    START WITH %s\\n    INCREMENT BY %s\\n"
    "    MINVALUE %s\\n    MAXVALUE %s\\n    CACHE %s%s;', s.oid::regclass, "
    "format_type(q.seqtypid, NULL), q.seqstart, q.seqincrement, q.seqmin, q.seqmax, q.seqcache, "
    "CASE WHEN q.seqcycle THEN E'\\n    CYCLE' ELSE '' END) " OWNED_SEQUENCES;

static const char sequences_owned[] =
    "SELECT format('ALTER SEQUENCE %s OWNED BY %s.%I;', s.oid::regclass, d.refobjid::regclass, "
    "a.attname) " OWNED_SEQUENCES;

static const char create_table[] =
    "SELECT format(E'CREATE TABLE %s (\\n%s\\n)%s;', c.oid::regclass, array_to_string(array("
    "SELECT format('    %I %s', a.attname, format_type(a.atttypid, a.atttypmod)) "
    "|| CASE WHEN a.attcollation <> 0 AND a.attcollation <> ty.typcollation THEN "
    "(SELECT format(' COLLATE %I.%I', cn.nspname, co.collname) FROM pg_collation co "
    "JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = a.attcollation) ELSE '' END "
    "|| CASE WHEN a.attgenerated = 's' THEN ' GENERATED ALWAYS AS (' "
    "|| pg_get_expr(ad.adbin, ad.adrelid) || ') STORED' WHEN ad.adbin IS NOT NULL THEN "
    "' DEFAULT ' || pg_get_expr(ad.adbin, ad.adrelid) ELSE '' END "
    "|| CASE a.attidentity WHEN 'a' THEN ' GENERATED ALWAYS AS IDENTITY' "
    "WHEN 'd' THEN ' GENERATED BY DEFAULT AS IDENTITY' ELSE '' END "
    "|| CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END "
    "FROM pg_attribute a JOIN pg_type ty ON ty.oid = a.atttypid LEFT JOIN pg_attrdef ad ON "
    "ad.adrelid = a.attrelid AND ad.adnum = a.attnum "
    "WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum) "
    "|| array(SELECT format('    CONSTRAINT %I %s', k.conname, pg_get_constraintdef(k.oid)) "
    "FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'c' AND k.conislocal "
    "ORDER BY k.conname), E',\\n'), "
    "CASE WHEN c.relkind = 'p' THEN ' PARTITION BY ' || pg_get_partkeydef(c.oid) ELSE '' END) "
    "FROM pg_class c WHERE c.oid = $1";

static const char keys[] =
    "SELECT format(E'ALTER TABLE ONLY %s\\n    ADD CONSTRAINT %I %s;', k.conrelid::regclass, "
    "k.conname, pg_get_constraintdef(k.oid)) FROM pg_constraint k WHERE k.conrelid = $1 AND "
    "k.contype IN ('p', 'u', 'x', 'f') AND k.conislocal ORDER BY k.contype = 'f', k.conname";

static const char indexes[] =
    "SELECT pg_get_indexdef(i.indexrelid) || ';' FROM pg_index i "
    "JOIN pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = $1 AND NOT EXISTS "
    "(SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = $1 "
    "AND k.contype IN ('p', 'u', 'x')) ORDER BY ic.relname";

static const char triggers[] = "SELECT pg_get_triggerdef(t.oid) || ';' FROM pg_trigger t "
                               "WHERE t.tgrelid = $1 AND NOT t.tgisinternal ORDER BY t.tgname";

static const char comments_and_owner[] =
    "SELECT format('COMMENT ON TABLE %s IS %L;', $1::regclass, d) "
    "FROM obj_description($1, 'pg_class') d WHERE d IS NOT NULL "
    "UNION ALL SELECT format('COMMENT ON COLUMN %s.%I IS %L;', $1::regclass, a.attname, "
    "col_description($1, a.attnum)) FROM pg_attribute a WHERE a.attrelid = $1 AND a.attnum > 0 "
    "AND NOT a.attisdropped AND col_description($1, a.attnum) IS NOT NULL "
    "UNION ALL SELECT format('ALTER TABLE %s OWNER TO %I;', c.oid::regclass, "
    "pg_get_userbyid(c.relowner)) FROM pg_class c WHERE c.oid = $1";

/* What the server answered: rows, or -1 with a diag naming `what`. */
static PGresult *query(PGconn *conn, const char *sql, int count, const char *const *params,
                       const char *what, diag_list *diags)
{
    Oid types[2] = {OID_TYPE, 0};
    if (count == 2)
        types[0] = types[1] = 0;
    PGresult *res = PQexecParams(conn, sql, count, count ? types : NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) == PGRES_TUPLES_OK)
        return res;
    char *message = pgconn_short_message(PQresultErrorMessage(res));
    diag *d = diag_add(diags, NULL, 0, 0, "reading the owner's catalogs (%s): %s", what,
                       message ? message : "");
    diag_set_kind(d, DIAG_ENGINE);
    free(message);
    PQclear(res);
    return NULL;
}

/* Each row's one value, then a blank line, into `out`; `oid` is $1 (NULL: none). */
static int append_rows(PGconn *conn, const char *sql, const char *oid, const char *what,
                       strbuf *out, diag_list *diags)
{
    PGresult *res = query(conn, sql, oid ? 1 : 0, &oid, what, diags);
    if (!res)
        return -1;
    for (int i = 0; i < PQntuples(res); i++)
        if (!PQgetisnull(res, i, 0))
            strbuf_appendf(out, "%s\n\n", PQgetvalue(res, i, 0));
    PQclear(res);
    return 0;
}

/* The oids of the tables named (those the database has), or of every table of the owner. */
static int table_oids(PGconn *conn, const char *const *tables, size_t table_count, strbuf *oids,
                      diag_list *diags)
{
    if (!table_count) {
        PGresult *res = query(conn, whole_tables, 0, NULL, "tables", diags);
        for (int i = 0; res && i < PQntuples(res); i++)
            strbuf_appendf(oids, "%s ", PQgetvalue(res, i, 0));
        PQclear(res);
        return res ? 0 : -1;
    }
    for (size_t i = 0; i < table_count; i++) {
        const char *dot = strchr(tables[i], '.');
        char *schema = dot ? strndup(tables[i], (size_t)(dot - tables[i])) : strdup("");
        const char *params[] = {schema, dot ? dot + 1 : tables[i]};
        PGresult *res = schema ? query(conn, one_table, 2, params, "table", diags) : NULL;
        free(schema);
        if (!res)
            return -1;
        if (PQntuples(res) == 1)
            strbuf_appendf(oids, "%s ", PQgetvalue(res, 0, 0));
        PQclear(res);
    }
    return 0;
}

/* Everything of one table, in the order foster (and psql) can run it. */
static int append_table(PGconn *conn, const char *oid, strbuf *out, diag_list *diags)
{
    const struct {
        const char *sql, *what;
    } parts[] = {
        {functions, "functions"},  {sequences, "sequences"},
        {create_table, "columns"}, {sequences_owned, "sequences"},
        {keys, "constraints"},     {indexes, "indexes"},
        {triggers, "triggers"},    {comments_and_owner, "comments"},
    };
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        if (append_rows(conn, parts[i].sql, oid, parts[i].what, out, diags) < 0)
            return -1;
    return 0;
}

static int read_catalogs(PGconn *conn, const char *const *tables, size_t table_count, strbuf *out,
                         diag_list *diags)
{
    strbuf oids = STRBUF_INIT;
    int rc = table_oids(conn, tables, table_count, &oids, diags);
    /* From here on every name is written with its schema, as pg_dump writes it. */
    if (!rc)
        rc = pgconn_command(conn, "SET LOCAL search_path = ''", "search_path", diags);
    if (!rc && !table_count)
        rc = append_rows(conn, enum_types, NULL, "enum types", out, diags) < 0 ||
                     append_rows(conn, domains, NULL, "domains", out, diags) < 0
                 ? -1
                 : 0;
    for (char *oid = oids.data, *end; !rc && oid && *oid; oid = end + 1) {
        end = strchr(oid, ' ');
        *end = '\0';
        rc = append_table(conn, oid, out, diags);
    }
    strbuf_free(&oids);
    return rc;
}

int pg_catalog_schema(const char *url, const char *const *tables, size_t table_count, char **sql,
                      diag_list *diags)
{
    PGconn *conn = pgconn_connect(url, diags);
    if (!conn)
        return -1;
    strbuf out = STRBUF_INIT;
    /* As pg_dump: a function's body may name a table created after it. */
    strbuf_append_str(&out, PG_CATALOG_HEADER "\nSET check_function_bodies = false;\n\n");
    int rc = pgconn_command(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
                            "a read-only transaction", diags);
    if (!rc)
        rc = read_catalogs(conn, tables, table_count, &out, diags);
    PQclear(PQexec(conn, "ROLLBACK"));
    PQfinish(conn);
    if (!rc && out.failed)
        rc = -1, diag_add(diags, NULL, 0, 0, "out of memory");
    if (rc < 0) {
        strbuf_free(&out);
        return -1;
    }
    *sql = strbuf_detach(&out);
    return 0;
}

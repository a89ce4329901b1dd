/*
 * pgdump.c — the owner's DDL as pg_dump writes it (backend_kind's
 * dump_schema): `pg_dump --schema-only`, for some tables (`-t`, one exact
 * name each) or the whole database. pg_dump reads in one REPEATABLE READ,
 * READ ONLY transaction; PGOPTIONS makes every transaction of its session
 * read-only too, so nothing it runs can write to the owner's database. A
 * table the database lacks gives no DDL (not an error): callers look for
 * the CREATE TABLE they need. Without pg_dump (not found in PATH) the same
 * DDL comes from the catalogs (pgcatalog.c).
 */
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "pgcatalog.h"
#include "pgkinds.h"
#include "pgwait.h"
#include "pqapi.h"
#include "strbuf.h"

/* `-t` pattern for one normalised name: each part double-quoted, so it matches exactly. */
static char *exact_pattern(const char *name)
{
    strbuf sb = STRBUF_INIT;
    const char *dot = strchr(name, '.');
    if (dot) {
        char *schema = strndup(name, (size_t)(dot - name));
        if (!schema)
            return NULL;
        strbuf_append_identifier(&sb, schema);
        strbuf_append_char(&sb, '.');
        free(schema);
        name = dot + 1;
    }
    strbuf_append_identifier(&sb, name);
    return sb.failed ? (strbuf_free(&sb), NULL) : strbuf_detach(&sb);
}

/*
 * `url` as key='value' pairs without its password, which goes to *password
 * (a new string, NULL when there is none): pg_dump gets it through
 * PGPASSWORD, never on a command line `ps` shows. NULL when libpq cannot
 * parse `url` (pg_dump then gets it as it is and says why).
 */
static char *conninfo_without_password(const char *url, char **password)
{
    *password = NULL;
    PQconninfoOption *options = PQconninfoParse(url, NULL);
    if (!options)
        return NULL;
    strbuf sb = STRBUF_INIT;
    for (PQconninfoOption *o = options; o->keyword; o++) {
        if (!o->val || !o->val[0])
            continue;
        if (strcmp(o->keyword, "password") == 0) {
            *password = strdup(o->val);
            continue;
        }
        strbuf_appendf(&sb, "%s%s='", sb.length ? " " : "", o->keyword);
        for (const char *p = o->val; *p; p++) {
            if (*p == '\'' || *p == '\\')
                strbuf_append_char(&sb, '\\');
            strbuf_append_char(&sb, *p);
        }
        strbuf_append_char(&sb, '\'');
    }
    PQconninfoFree(options);
    strbuf_append_str(&sb, "");
    return sb.failed ? (strbuf_free(&sb), NULL) : strbuf_detach(&sb);
}

static void free_argv(char **argv, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(argv[i]);
    free(argv);
}

/* pg_dump's arguments: the options, then -t PATTERN per table. */
static char **dump_argv(const char *url, const char *const *tables, size_t table_count,
                        size_t *count)
{
    char **argv = calloc(2 * table_count + 8, sizeof *argv);
    if (!argv)
        return NULL;
    const char *fixed[] = {"pg_dump", "--schema-only", "--no-password", "--dbname"};
    size_t n = 0;
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        argv[n++] = strdup(fixed[i]);
    argv[n++] = strdup(url[0] ? url : "postgres");
    for (size_t i = 0; i < table_count; i++) {
        argv[n++] = strdup("-t");
        argv[n++] = exact_pattern(tables[i]);
    }
    *count = n;
    for (size_t i = 0; i < n; i++)
        if (!argv[i])
            return free_argv(argv, n), NULL;
    return argv;
}

int pg_dump_schema(const char *url, const char *const *tables, size_t table_count, char **sql,
                   diag_list *diags)
{
    size_t count = 0;
    char *password = NULL;
    char *conninfo = conninfo_without_password(url, &password);
    char **argv = dump_argv(conninfo ? conninfo : url, tables, table_count, &count);
    free(conninfo);
    if (!argv) {
        free(password);
        return diag_add(diags, NULL, 0, 0, "out of memory"), -1;
    }
    /* Messages in English: a table the database lacks is told by pg_dump's words alone.
     * PGPASSWORD: the URL's password, else whatever foster's environment holds. */
    const char *names[] = {"PGOPTIONS", "LC_MESSAGES", "LC_ALL", "PGPASSWORD"};
    const char *values[] = {"-c default_transaction_read_only=on", "C", NULL, password};
    char *out = NULL, *err = NULL;
    int status = capture_run(argv, names, values, password ? 4 : 3, &out, &err, diags);
    free_argv(argv, count);
    free(password);
    if (status == 1 && table_count && err && strstr(err, "no matching tables were found")) {
        free(out);
        out = strdup(""); /* none of the tables exists: no DDL, as for a part of them */
        status = out ? 0 : -1;
    }
    if (status == 127) { /* no pg_dump: the same DDL from the catalogs */
        free(out);
        free(err);
        return pg_catalog_schema(url, tables, table_count, sql, diags);
    }
    if (status == 0) {
        *sql = out;
        free(err);
        return 0;
    }
    if (status > 0) {
        char *where = pg_redact_conninfo(url);
        char *said = pg_redact_message(url, err ? err : "");
        size_t length = said ? strlen(said) : 0;
        while (length && (said[length - 1] == '\n' || said[length - 1] == ' '))
            said[--length] = '\0';
        diag *d = diag_add(diags, NULL, 0, 0, "pg_dump of %s failed (exit %d): %s",
                           where ? where : "the owner's database", status, said ? said : "");
        if (status == 127)
            diag_set_hint(d, "install PostgreSQL's client programs (Debian: postgresql-client)");
        diag_set_kind(d, status == 127 ? DIAG_NOT_FOUND : DIAG_ENGINE);
        free(where);
        free(said);
    }
    free(out);
    free(err);
    return -1;
}

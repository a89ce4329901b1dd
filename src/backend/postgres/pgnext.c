/*
 * pgnext.c — the next reset's copy, made ahead by a detached helper that
 * stays to serve the run's one-shot resets. A `foster reset` cannot keep a
 * pipeline running after it exits, as a process that lives on does
 * (pgreset.c); so `up`, and a reset that found no helper, start one
 * (util/nexthelper.h: its own session, signals blocked, holding the run's
 * next.lock while it works). It drops the retired copy and creates
 * <db>_next from the template, marked, while the command returns at once;
 * then it waits on the run's socket. A `foster reset` asks it to end the
 * database's sessions and swap the copy in by two renames, and the helper
 * makes the following copy: the command neither loads libpq nor connects,
 * which was most of its time. It stays only on a server of the run's own
 * (cluster, container), which the run's record names, keeping its one
 * connection and leaving when the server does; on a shared server, which
 * each command names for itself, it makes the copy and leaves. It never
 * stops half way: a database created without its marker would be nobody's
 * to drop.
 */
#include <stdlib.h>
#include <string.h>

#include "backend_postgres.h"
#include "nexthelper.h"
#include "pgconn.h"
#include "pgmarker.h"
#include "runfiles.h"

void pg_wait_for_helper(pg_backend *p, bool remove)
{
    char *path = next_helper_lock_path(p->runtime_dir, p->database);
    next_helper_wait(path, remove);
    free(path);
}

void pg_settle(backend *b)
{
    pg_wait_for_helper(as_pg(b), false);
}

int pg_hold_helper(pg_backend *p)
{
    char *path = next_helper_lock_path(p->runtime_dir, p->database);
    int held = next_helper_hold(path);
    free(path);
    return held;
}

bool pg_serves_resets_by_helper(const pg_backend *p)
{
    return p->source->ephemeral && !p->source_borrowed;
}

int pg_reset_by_helper(pg_backend *p)
{
    char *path = next_helper_lock_path(p->runtime_dir, p->database);
    int rc = path ? next_helper_request_reset(path) : -1;
    free(path);
    return rc;
}

static void helper_end(void *context)
{
    pg_backend *p = context;
    if (p->admin)
        PQfinish(p->admin);
    p->admin = NULL;
}

/* The helper's connection, made again when the one it held broke (the server restarted). */
static int helper_connect(pg_backend *p, diag_list *diags)
{
    if (p->admin && PQstatus(p->admin) != CONNECTION_OK)
        helper_end(p);
    return pg_connect_admin(p, diags);
}

/*
 * The helper's `open` answer: the database's marker as the catalog has it,
 * then the host, port, user and password of the server, each ended by a NUL;
 * only for the run's database, existing and marked.
 */
static int helper_open(void *context, strbuf *answer)
{
    pg_backend *p = context;
    diag_list ignored = DIAG_LIST_INIT;
    char *comment = NULL;
    bool marked = false;
    bool ok = helper_connect(p, &ignored) == 0 &&
              pg_marker_read(p->admin, p->database, &marked, &comment, &ignored) == 1 && marked;
    const char *fields[] = {comment, p->host, p->port, p->user, p->password ? p->password : ""};
    for (size_t i = 0; ok && i < sizeof fields / sizeof *fields; i++)
        ok = fields[i] && strbuf_append(answer, fields[i], strlen(fields[i]) + 1) == 0;
    free(comment);
    diag_list_clear(&ignored);
    return ok ? 0 : -1;
}

int pg_open_by_helper(pg_backend *p)
{
    char *path = next_helper_lock_path(p->runtime_dir, p->database);
    strbuf said = STRBUF_INIT;
    const char *fields[5] = {NULL};
    size_t count = 0;
    if (path && next_helper_request_open(path, &said) == 0)
        for (size_t at = 0; at < said.length && count < 5; at += strlen(said.data + at) + 1)
            fields[count++] = said.data + at; /* each ends with a NUL, as the helper wrote it */
    int rc = count == 5 && said.data[said.length - 1] == '\0' ? 0 : -1;
    if (rc == 0) {
        free(p->marker);
        p->marker = strdup(fields[0]);
        rc = p->marker && pg_describe(p, fields[1], fields[2], fields[3], fields[4]) == 0 ? 0 : -1;
    }
    strbuf_free(&said);
    free(path);
    return rc;
}

/* In the helper: the parent's connections are not its own (their descriptors are closed). */
static void helper_begin(void *context)
{
    pg_backend *p = context;
    p->admin = NULL;
    p->db = NULL;
    p->next_pending = false;
}

/* Drops the retired copy, if any, and makes the next one. */
static void helper_prepare(void *context)
{
    pg_backend *p = context;
    diag_list ignored = DIAG_LIST_INIT;
    char *old = pg_sibling_name(p, "old");
    char *next = pg_sibling_name(p, "next");
    char *template = pg_sibling_name(p, "tpl");
    int rc = old && next && template ? helper_connect(p, &ignored) : -1;
    if (rc == 0)
        rc = pg_drop_marked(p->admin, old, &ignored);
    if (rc == 0)
        pg_create_marked(p->admin, next, template, p->marker, &ignored);
    free(old);
    free(next);
    free(template);
    diag_list_clear(&ignored);
}

static int helper_reset(void *context)
{
    pg_backend *p = context;
    diag_list ignored = DIAG_LIST_INIT;
    bool retired = false;
    int rc = helper_connect(p, &ignored) == 0 ? pg_put_pristine(p, &retired, &ignored) : -1;
    diag_list_clear(&ignored);
    return rc;
}

static int helper_watch(void *context)
{
    const pg_backend *p = context;
    return p->admin && PQstatus(p->admin) == CONNECTION_OK ? PQsocket(p->admin) : -1;
}

/*
 * Whether the server is still there: the held connection turned readable (a
 * notice, or the server going away), or there is none (lost during a
 * request, or never made again: the server is gone, or had no free slot
 * then), when a new one can be made.
 */
static bool helper_alive(void *context)
{
    pg_backend *p = context;
    if (p->admin && PQstatus(p->admin) == CONNECTION_OK)
        return PQconsumeInput(p->admin) == 1 && PQstatus(p->admin) == CONNECTION_OK;
    diag_list ignored = DIAG_LIST_INIT;
    bool connected = helper_connect(p, &ignored) == 0;
    diag_list_clear(&ignored);
    return connected;
}

static const next_helper_ops helper_ops = {
    .begin = helper_begin,
    .prepare = helper_prepare,
    .reset = helper_reset,
    .open = helper_open,
    .watch = helper_watch,
    .alive = helper_alive,
    .end = helper_end,
};

/* A one-shot helper's work: the copy, from a connection of its own, and no more. */
static void make_next(void *context)
{
    helper_begin(context);
    helper_prepare(context);
    helper_end(context);
}

int pg_prepare_next_detached(pg_backend *p, int held)
{
    char run_id[9];
    char *path = next_helper_lock_path(p->runtime_dir, p->database);
    char *record =
        db_marker_run_id(p->marker, run_id) ? runfiles_record(p->runtime_dir, run_id, "") : NULL;
    /* The helper works on its copy of this backend, from its own connection; it stays on a
     * server of the run's own, which the run's record names (on a shared one, a command
     * could name another server than the helper's). */
    int rc = !path || !record ? (next_helper_release(held), -1)
             : pg_serves_resets_by_helper(p)
                 ? next_helper_start_resident(path, held, record, &helper_ops, p)
                 : next_helper_start(path, held, make_next, p);
    free(path);
    free(record);
    return rc;
}

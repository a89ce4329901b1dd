/*
 * backend_sqlite.c — the SQLite implementation of backend.h.
 *
 * The database is either in this process's memory (library use) or a file in
 * a private, memory-backed directory that the command under test opens by
 * path. Its marker is PRAGMA application_id. Loading fixtures is
 * sqlite_load.c's job.
 */
#include "backend_sqlite.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strbuf.h"

sqlite_backend *as_sqlite(backend *b)
{
    return (sqlite_backend *)b;
}

void sqlite_add_error(sqlite_backend *s, diag_list *diags, const char *file, int line,
                      const char *what)
{
    diag_add(diags, file, line, 0, "%s: %s", what, s->db ? sqlite3_errmsg(s->db) : "no database");
}

int sqlite_exec(sqlite_backend *s, const char *sql, diag_list *diags)
{
    char *error = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &error) != SQLITE_OK) {
        diag_add(diags, s->path, 0, 0, "%s: %s", sql, error ? error : "failed");
        sqlite3_free(error);
        return -1;
    }
    return 0;
}

/* Tuning for a throwaway database: nothing here needs to survive a crash. */
static int configure(sqlite_backend *s, diag_list *diags)
{
    return sqlite_exec(s,
                       "PRAGMA foreign_keys = ON; PRAGMA synchronous = OFF; "
                       "PRAGMA journal_mode = MEMORY; PRAGMA temp_store = MEMORY",
                       diags);
}

static int sqlite_create(backend *b, const char *database_name, const char *run_id,
                         diag_list *diags)
{
    sqlite_backend *s = as_sqlite(b);
    (void)run_id; /* the run id is in the file name */
    const char *target = ":memory:";
    if (s->directory) {
        s->path = strbuf_format("%s/%s.sqlite3", s->directory, database_name);
        if (!s->path)
            return diag_add(diags, NULL, 0, 0, "out of memory"), -1;
        /* O_EXCL: never take over a file somebody else made; 0600: rule 3. */
        int fd = open(s->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0) {
            diag_add(diags, s->path, 0, 0, "cannot create the test database: %s", strerror(errno));
            free(s->path);
            s->path = NULL;
            return -1;
        }
        close(fd);
        target = s->path;
    }
    s->created = true;
    if (sqlite3_open_v2(target, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        sqlite_add_error(s, diags, s->path, 0, "cannot open the test database");
        return -1;
    }
    s->url = strbuf_format("sqlite:///%s", s->path ? s->path : ":memory:");
    if (!s->url)
        return diag_add(diags, NULL, 0, 0, "out of memory"), -1;
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA application_id = %d", FOSTER_SQLITE_APPLICATION_ID);
    /* configure first: the marker is the first write, and must not wait for an fsync */
    if (configure(s, diags) < 0 || sqlite_exec(s, pragma, diags) < 0)
        return -1;
    s->marked = true;
    return 0;
}

/* sqlite:////abs/path, sqlite:///rel/path or a plain path. */
static const char *path_of_url(const char *url)
{
    if (strncmp(url, "sqlite:///", 10) == 0)
        return url + 10;
    if (strncmp(url, "sqlite://", 9) == 0)
        return url + 9;
    return url;
}

static char *pristine_path_of(const char *path);

/*
 * What the 100-byte header of the file at `path` says, read with read(2):
 * no SQLite connection opens it, so checking a file foster then refuses
 * changes nothing (a read-write connection would checkpoint a WAL file and
 * a journal_mode pragma would take it out of WAL mode; even a read-only one
 * leaves -wal and -shm files beside it). Returns 0 with *id set to PRAGMA
 * application_id (0 for an empty file), 1 when the file does not exist, -1
 * when it is not a SQLite database (errno set when it could not be read).
 */
static int read_marker(const char *path, int *id)
{
    static const char magic[16] = "SQLite format 3";
    unsigned char header[100];
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return errno == ENOENT ? 1 : -1;
    struct stat info;
    ssize_t got = fstat(fd, &info) == 0 && S_ISREG(info.st_mode) ? read(fd, header, sizeof header)
                                                                 : (errno = EINVAL, -1);
    int saved = errno;
    close(fd);
    errno = saved;
    *id = 0;
    if (got == 0)
        return 0;
    if (got != (ssize_t)sizeof header || memcmp(header, magic, sizeof magic) != 0) {
        errno = got < 0 ? errno : 0;
        return -1;
    }
    /* offset 68: the application id, a big-endian 32-bit integer */
    *id = (int)((uint32_t)header[68] << 24 | (uint32_t)header[69] << 16 |
                (uint32_t)header[70] << 8 | (uint32_t)header[71]);
    return 0;
}

bool sqlite_file_has_marker(const char *path)
{
    int id = 0;
    return read_marker(path, &id) == 0 && id == FOSTER_SQLITE_APPLICATION_ID;
}

static void remove_orphan_pristine(sqlite_backend *s)
{
    char *pristine = pristine_path_of(s->path);
    if (pristine && sqlite_file_has_marker(pristine))
        unlink(pristine);
    free(pristine);
}

/*
 * The marker is read from the file itself before any connection opens it;
 * a file without it is opened only when asked to load anyway (--force), and
 * then with nothing changed but the connection's own settings.
 */
static diag_kind sqlite_open_existing(backend *b, const char *url, bool *marked, diag_list *diags)
{
    sqlite_backend *s = as_sqlite(b);
    s->path = strdup(path_of_url(url));
    s->url = strbuf_format("sqlite:///%s", s->path ? s->path : "");
    if (!s->path || !s->url)
        return diag_add(diags, NULL, 0, 0, "out of memory"), DIAG_OUT_OF_MEMORY;
    int id = 0;
    int found = read_marker(s->path, &id);
    if (found > 0) {
        remove_orphan_pristine(s);
        return DIAG_NOT_FOUND;
    }
    if (found < 0) {
        diag_add(diags, s->path, 0, 0, "%s", errno ? strerror(errno) : "not a SQLite database");
        return DIAG_BAD_INPUT;
    }
    s->marked = *marked = id == FOSTER_SQLITE_APPLICATION_ID;
    /* No SQLITE_OPEN_CREATE: a typo must not create an empty database. */
    if (sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        sqlite_add_error(s, diags, s->path, 0, "cannot open the database");
        return DIAG_ENGINE;
    }
    /* Not foster's: only settings of this connection, none stored in the file. */
    int rc = s->marked ? configure(s, diags) : sqlite_exec(s, "PRAGMA foreign_keys = ON", diags);
    return rc == 0 ? DIAG_NONE : DIAG_ENGINE;
}

int sqlite_run_phase(sqlite_backend *s, const schema_set *schemas, ddl_phase phase,
                     diag_list *diags)
{
    for (size_t i = 0; i < schemas->sqlite.count; i++) {
        const sqlite_statement *st = &schemas->sqlite.items[i];
        if (ddl_text_phase(st->sql) != phase)
            continue;
        char *error = NULL;
        if (sqlite3_exec(s->db, st->sql, NULL, NULL, &error) == SQLITE_OK)
            continue;
        if (phase == DDL_PHASE_POST_DATA &&
            sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_UNIQUE) {
            sqlite_report_duplicate(s, error, diags);
        } else {
            diag *d = diag_add(diags, st->file, st->line, 0, "SQLite rejected the statement: %s",
                               error ? error : "unknown error");
            diag_set_hint(d, "foster ran: %s", st->sql);
        }
        sqlite3_free(error);
        return -1;
    }
    return 0;
}

/* Pre-data: the tables, with what is inline in them; indexes wait for the data. */
static int sqlite_create_tables(backend *b, const schema_set *schemas, diag_list *diags)
{
    sqlite_backend *s = as_sqlite(b);
    s->schema_unfinished = true;
    return sqlite_run_phase(s, schemas, DDL_PHASE_PRE_DATA, diags);
}

static void remove_file(const char *path, const char *suffix)
{
    char *name = strbuf_format("%s%s", path, suffix);
    if (name)
        unlink(name);
    free(name);
}

/* Copies every page of `from` into `to`, waiting out other connections' locks. */
int sqlite_copy_database(sqlite3 *from, sqlite3 *to, const char *what, const char *path,
                         diag_list *diags)
{
    sqlite3_backup *backup = sqlite3_backup_init(to, "main", from, "main");
    if (!backup) {
        diag_add(diags, path, 0, 0, "%s: %s", what, sqlite3_errmsg(to));
        return -1;
    }
    int rc, tries = 0;
    while ((rc = sqlite3_backup_step(backup, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED) {
        if (++tries > SQLITE_BUSY_TRIES)
            break;
        sqlite3_sleep(10);
    }
    sqlite3_backup_finish(backup);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
        sqlite_locked_diag(diags, path, what);
        return -1;
    }
    if (rc != SQLITE_DONE) {
        diag *d = diag_add(diags, path, 0, 0, "%s: %s", what, sqlite3_errstr(rc));
        if (rc == SQLITE_FULL || (rc & 0xff) == SQLITE_IOERR)
            diag_set_hint(d, SQLITE_DISK_HINT);
        return -1;
    }
    return 0;
}

int sqlite_copy_fast(sqlite3 *from, const char *from_path, sqlite3 *to, const char *to_path,
                     const char *what, diag_list *diags)
{
    int copied = from_path && to_path ? sqlite_copy_file(to, to_path, from_path, what, diags) : 0;
    if (copied != 0)
        return copied < 0 ? -1 : 0;
    return sqlite_copy_database(from, to, what, to_path, diags);
}

void sqlite_locked_diag(diag_list *diags, const char *path, const char *what)
{
    diag *d =
        diag_add(diags, path, 0, 0, "%s: the database stayed locked by another connection", what);
    diag_set_hint(d, "finish or roll back open transactions before resetting");
}

/* Creates (0600, O_EXCL) and opens a new database file, or memory for NULL. */
sqlite3 *sqlite_open_new(const char *path, diag_list *diags)
{
    if (path) {
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0) {
            diag_add(diags, path, 0, 0, "cannot create: %s", strerror(errno));
            return NULL;
        }
        close(fd);
    }
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path ? path : ":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        diag_add(diags, path, 0, 0, "cannot open: %s", db ? sqlite3_errmsg(db) : "no memory");
        sqlite3_close(db);
        if (path)
            unlink(path);
        return NULL;
    }
    /* A copy of a throwaway database: nothing to fsync. */
    sqlite3_exec(db, "PRAGMA synchronous = OFF; PRAGMA journal_mode = MEMORY", NULL, NULL, NULL);
    return db;
}

static char *pristine_path_of(const char *path)
{
    return strbuf_format("%s.pristine", path);
}

/*
 * A database copied from a cached template is that template until anything
 * writes to it: its snapshot is a hard link to the template's file (never
 * written to: reset and copies only read it; removed by unlink, as any
 * snapshot), one copy of the whole database fewer. 1 linked and opened, 0
 * when that cannot be (another file system: then it is copied).
 */
static int link_restored(sqlite_backend *s)
{
    if (!s->restored_from || !s->pristine_path || link(s->restored_from, s->pristine_path) < 0)
        return 0;
    if (sqlite3_open_v2(s->pristine_path, &s->pristine, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK)
        return 1;
    sqlite3_close(s->pristine);
    s->pristine = NULL;
    unlink(s->pristine_path);
    return 0;
}

static int sqlite_snapshot(backend *b, diag_list *diags)
{
    sqlite_backend *s = as_sqlite(b);
    if (s->path && !(s->pristine_path = pristine_path_of(s->path)))
        return diag_add(diags, NULL, 0, 0, "out of memory"), -1;
    if (link_restored(s))
        return 0;
    if (!(s->pristine = sqlite_open_new(s->pristine_path, diags)))
        return -1;
    return sqlite_copy_fast(s->db, s->path, s->pristine, s->pristine_path,
                            "cannot keep a pristine copy", diags);
}

/* A database foster opened by URL (reset from another process): find its snapshot. */
static int open_pristine(sqlite_backend *s, diag_list *diags)
{
    if (s->pristine)
        return 0;
    if (!s->path || !(s->pristine_path = pristine_path_of(s->path)))
        return diag_add(diags, NULL, 0, 0, "out of memory"), -1;
    if (sqlite3_open_v2(s->pristine_path, &s->pristine, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        diag *d = diag_add(diags, s->pristine_path, 0, 0,
                           "no pristine copy of the test database to reset from");
        diag_set_hint(d, "reset works on databases made by foster run or foster up");
        return -1;
    }
    return 0;
}

static int sqlite_reset(backend *b, bool keep_next_ready, diag_list *diags)
{
    sqlite_backend *s = as_sqlite(b);
    (void)keep_next_ready; /* a copy is all there is to it */
    if (open_pristine(s, diags) < 0)
        return -1;
    return sqlite_copy_fast(s->pristine, s->pristine_path, s->db, s->path,
                            "cannot reset the test database", diags);
}

static int sqlite_drop(backend *b, diag_list *diags);

static backend *sqlite_copy(backend *b, const char *suffix, diag_list *diags)
{
    sqlite_backend *s = as_sqlite(b);
    sqlite_backend *c = (sqlite_backend *)backend_sqlite_new(s->directory);
    if (!c)
        return diag_add(diags, NULL, 0, 0, "out of memory"), NULL;
    if ((s->path &&
         !(c->path = strbuf_format("%.*s_%s.sqlite3", (int)(strlen(s->path) - strlen(".sqlite3")),
                                   s->path, suffix)))) {
        b->ops->free(&c->base);
        diag_add(diags, NULL, 0, 0, "out of memory");
        return NULL;
    }
    c->created = c->marked = true;
    c->url = strbuf_format("sqlite:///%s", c->path ? c->path : ":memory:");
    if (!c->url || !(c->db = sqlite_open_new(c->path, diags)) || open_pristine(s, diags) < 0 ||
        sqlite_copy_fast(s->pristine, s->pristine_path, c->db, c->path,
                         "cannot copy the test database", diags) < 0 ||
        configure(c, diags) < 0) {
        if (c->db)
            sqlite_drop(&c->base, diags);
        b->ops->free(&c->base);
        return NULL;
    }
    return &c->base;
}

static int sqlite_test_begin(backend *b, diag_list *diags)
{
    return sqlite_exec(as_sqlite(b), "SAVEPOINT foster_test", diags);
}

static int sqlite_test_end(backend *b, diag_list *diags)
{
    return sqlite_exec(as_sqlite(b), "ROLLBACK TO foster_test; RELEASE foster_test", diags);
}

static void *sqlite_connection(const backend *b)
{
    return ((const sqlite_backend *)b)->db;
}

static int sqlite_drop(backend *b, diag_list *diags)
{
    sqlite_backend *s = as_sqlite(b);
    if (!s->marked && !s->created) {
        diag_add(diags, s->path, 0, 0, "refusing to remove a database foster did not create");
        return -1;
    }
    sqlite_forget_table(s);
    sqlite3_close(s->db);
    s->db = NULL;
    sqlite3_close(s->pristine);
    s->pristine = NULL;
    if (!s->path)
        return 0;
    if (!s->pristine_path)
        s->pristine_path = pristine_path_of(s->path);
    if (s->pristine_path)
        unlink(s->pristine_path);
    if (unlink(s->path) < 0 && errno != ENOENT) {
        diag_add(diags, s->path, 0, 0, "cannot remove the test database: %s", strerror(errno));
        return -1;
    }
    remove_file(s->path, "-journal");
    remove_file(s->path, "-wal");
    remove_file(s->path, "-shm");
    return 0;
}

static int sqlite_drop_copy(backend *b, const char *suffix, diag_list *diags)
{
    sqlite_backend *s = as_sqlite(b);
    if (!s->path)
        return 0;
    size_t stem = strlen(s->path) - strlen(".sqlite3");
    char *path = strbuf_format("%.*s_%s.sqlite3", (int)stem, s->path, suffix);
    if (!path)
        return diag_add(diags, NULL, 0, 0, "out of memory"), -1;
    int rc = 0;
    if (access(path, F_OK) == 0 && !sqlite_file_has_marker(path)) {
        diag_add(diags, path, 0, 0, "refusing to remove a copy without foster's marker");
        rc = -1;
    } else if (unlink(path) == 0 || errno == ENOENT) {
        remove_file(path, "-journal");
        remove_file(path, "-wal");
        remove_file(path, "-shm");
    } else {
        diag_add(diags, path, 0, 0, "cannot remove the copy: %s", strerror(errno));
        rc = -1;
    }
    free(path);
    return rc;
}

static int sqlite_mark_kept(backend *b, diag_list *diags)
{
    (void)b; /* the file lives in the runtime directory, beside its kept record */
    (void)diags;
    return 0;
}

static void sqlite_release(backend *b)
{
    (void)b; /* no server: an open file costs nobody a connection slot */
}

static const char *sqlite_database(const backend *b)
{
    const char *path = ((const sqlite_backend *)b)->path;
    const char *base = path ? strrchr(path, '/') : NULL;
    return base ? base + 1 : path ? path : ":memory:";
}

static const char *sqlite_url(const backend *b)
{
    return ((const sqlite_backend *)b)->url;
}

static int sqlite_environment(const backend *b, env_var **vars, size_t *count)
{
    const sqlite_backend *s = (const sqlite_backend *)b;
    if (env_list_add(vars, count, "DATABASE_URL", s->url) < 0)
        return -1;
    if (s->path && env_list_add(vars, count, "FOSTER_SQLITE_PATH", s->path) < 0)
        return -1;
    return 0;
}

static void sqlite_free(backend *b)
{
    sqlite_backend *s = as_sqlite(b);
    if (!s)
        return;
    sqlite_forget_table(s);
    sqlite_forget_pending(s);
    sqlite3_close(s->db);
    sqlite3_close(s->pristine);
    free(s->pristine_path);
    free(s->restored_from);
    free(s->directory);
    free(s->path);
    free(s->url);
    free(s);
}

static const backend_ops sqlite_ops = {
    .name = "sqlite",
    .create = sqlite_create,
    .open_existing = sqlite_open_existing,
    .create_tables = sqlite_create_tables,
    .finish_schema = sqlite_finish_schema,
    .load_begin = sqlite_load_begin,
    .table_begin = sqlite_table_begin,
    .table_row = sqlite_table_row,
    .table_end = sqlite_table_end,
    .check_deferred = sqlite_check_deferred,
    .exec_sql = sqlite_exec_sql,
    .load_end = sqlite_load_end,
    .snapshot = sqlite_snapshot,
    .template_restore = sqlite_template_restore,
    .template_store = sqlite_template_store,
    .reset = sqlite_reset,
    .copy = sqlite_copy,
    .drop_copy = sqlite_drop_copy,
    .mark_kept = sqlite_mark_kept,
    .release = sqlite_release,
    .test_begin = sqlite_test_begin,
    .test_end = sqlite_test_end,
    .connection = sqlite_connection,
    .drop = sqlite_drop,
    .database = sqlite_database,
    .url = sqlite_url,
    .environment = sqlite_environment,
    .free = sqlite_free,
};

backend *backend_sqlite_new(const char *directory)
{
    sqlite_backend *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->base.ops = &sqlite_ops;
    if (directory && !(s->directory = strdup(directory))) {
        free(s);
        return NULL;
    }
    return &s->base;
}

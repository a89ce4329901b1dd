/*
 * foster.h — give a test suite the tables it reads but does not own.
 *
 * A session reads a manifest (foster.ini) listing externally owned tables,
 * provisions a throwaway test database with those tables and their fixtures,
 * hands out its URL and environment, and tears it down. The foster command is
 * a thin layer over this API.
 *
 *     foster_options options;
 *     foster_options_init(&options);
 *     options.manifest_path = "foster.ini";
 *     foster_session *session;
 *     if (foster_open(&options, &session) != FOSTER_OK
 *         || foster_provision(session) != FOSTER_OK)
 *         fprintf(stderr, "%s\n", foster_errmsg(session));
 *     ... use foster_url(session) ...
 *     foster_close(session);   // tears down what was provisioned
 *
 * Errors: every function returns a foster_result; the message for the last
 * failure, naming the file and line of bad input, is kept on the session
 * (foster_errmsg) until the next call. No global state: sessions are
 * independent (one session must not be used by two threads at once).
 */
#ifndef FOSTER_H
#define FOSTER_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What the shared library exports: foster.h's functions and nothing else. */
#if defined(__GNUC__) || defined(__clang__)
#define FOSTER_API __attribute__((visibility("default")))
#else
#define FOSTER_API
#endif

typedef enum foster_result {
    FOSTER_OK = 0,
    FOSTER_ERROR_MANIFEST,    /* the manifest is wrong or names files that do not exist */
    FOSTER_ERROR_INPUT,       /* a schema file or fixture is wrong: fix the input */
    FOSTER_ERROR_DATABASE,    /* the database refused something (provisioning, teardown) */
    FOSTER_ERROR_NOT_MARKED,  /* the target database does not carry foster's marker */
    FOSTER_ERROR_NOT_FOUND,   /* no such run, database or file */
    FOSTER_ERROR_INTERRUPTED, /* *options.interrupt became non-zero */
    FOSTER_ERROR_TIMEOUT,     /* foster_wait: the server was not ready in time */
    FOSTER_ERROR_SYSTEM,      /* a system call failed (the message says which) */
    FOSTER_ERROR_NOMEM,
    FOSTER_ERROR_MISUSE, /* the call makes no sense in the session's state */
} foster_result;

/* Where progress lines go; `line` has no newline and is valid during the call. */
typedef void (*foster_progress_fn)(void *context, const char *line);

/*
 * Where a fixture file's load stands, for a live progress display. `table` is
 * NULL for a .sql file (then `rows` counts statements); `bytes_total` is the
 * file's size and `bytes_read` how much of it was read (both 0 when unknown,
 * as for JSON). Valid during the call only.
 */
typedef struct foster_load_status {
    const char *table;
    const char *file;
    long long rows;
    long long bytes_read;
    long long bytes_total;
    double seconds; /* since this file began to load */
    bool done;      /* the file is loaded (the last call for it) */
} foster_load_status;

typedef void (*foster_load_fn)(void *context, const foster_load_status *status);

typedef struct foster_options {
    const char *manifest_path; /* default: $FOSTER_CONFIG, else foster_find_manifest() */
    const char *backend;       /* NULL: the manifest's backend */
    const char *postgres_url;  /* NULL: the manifest's [postgres] url, else libpq's PG* */
    /*
     * SQLite only. true: the database lives in this process's memory and
     * nothing touches the file system (for C test suites). false (default): a
     * memory-backed file another process can open (for `run`, `up`).
     */
    bool sqlite_in_memory;
    foster_progress_fn progress; /* NULL: no progress lines */
    void *progress_context;
    int verbose; /* 0: one line a step; 1: also every schema statement run, by file and line */
    /*
     * Parallel workers: after provisioning, make `jobs` independent copies of
     * the database (0 or 1: none), exported as DATABASE_URL_1..N with
     * FOSTER_JOBS=N. All are torn down with the session.
     */
    int jobs;
    /*
     * When not NULL, long operations poll it and stop with
     * FOSTER_ERROR_INTERRUPTED (after rolling back) once it is non-zero;
     * a signal handler sets it.
     */
    const volatile sig_atomic_t *interrupt;
    /*
     * When not NULL, told about every fixture file as it loads: about ten
     * times a second while a CSV file loads (done false), and once when a
     * file is loaded (done true). The `progress` lines are told as well.
     */
    foster_load_fn load_progress;
    void *load_progress_context;
    /*
     * true: foster_open reads neither the manifest nor any schema file; the
     * session only reaches a recorded run (foster_attach, then foster_reset,
     * foster_teardown, the environment), from its record. The manifest's path
     * still finds the last `up`; a run on a server only the manifest names
     * (its [postgres] url) reads the manifest then, never the schemas.
     */
    bool record_only;
    /*
     * true: no template cache for this provisioning (as `cache = false` in
     * the manifest): the database is made from the schema and fixtures even
     * when a template made from the very same inputs is cached.
     */
    bool no_cache;
} foster_options;

typedef struct foster_session foster_session;

/*
 * The manifest a session reads when foster_options.manifest_path is NULL and
 * $FOSTER_CONFIG is unset or empty: foster.ini in the working directory or the
 * nearest of its parents, as git and pytest find their roots. Returns a new
 * string the caller frees ("foster.ini" itself when it is in the working
 * directory, else an absolute path), or NULL when there is none (or memory
 * ran out); foster_open then fails naming the folders it looked in.
 */
FOSTER_API char *foster_find_manifest(void);

/* Fills `options` with the defaults above. */
FOSTER_API void foster_options_init(foster_options *options);

/*
 * Reads the manifest and every schema file it names, and checks that they
 * make sense together (tables exist, references resolve, translation for the
 * backend succeeds). Does not touch a server. On every result except
 * FOSTER_ERROR_NOMEM, *session is set and must be closed with foster_close.
 * The options and the strings in them are copied.
 */
FOSTER_API foster_result foster_open(const foster_options *options, foster_session **session);

/*
 * Validates everything provisioning would use, fixtures included, without
 * touching a server; collects every problem (see foster_problem_count).
 * FOSTER_ERROR_INPUT when any was found.
 */
FOSTER_API foster_result foster_check(foster_session *session);

/*
 * Creates the test database, its tables and loads the fixtures in one
 * transaction. On failure nothing is left behind: what was created is
 * removed before returning.
 */
FOSTER_API foster_result foster_provision(foster_session *session);

/*
 * Tears down what foster_provision created (drops the database, removes the
 * files and the run record). Safe to call twice; foster_close calls it unless
 * foster_keep was called.
 */
FOSTER_API foster_result foster_teardown(foster_session *session);

/*
 * Waits (at most 120 s) until what foster left running in the background
 * for the session's database is done: the next copy a reset makes ahead,
 * whether this process reset or a `foster reset` command did. Call it
 * before ending the processes a test command left behind, as `foster run`
 * does: a helper ended half way would leave a database without foster's
 * marker, which foster then never drops. Does nothing on SQLite.
 */
FOSTER_API void foster_settle(foster_session *session);

/*
 * Leaves the provisioned database in place when the session is closed; a
 * record remains so that `foster down RUN_ID` (or foster_attach +
 * foster_teardown) can remove it later.
 */
FOSTER_API foster_result foster_keep(foster_session *session);

/*
 * Opens the database a kept run made (`run_id` NULL: the newest kept run of
 * this manifest) so that it can be torn down. FOSTER_ERROR_NOT_FOUND when there
 * is none; FOSTER_ERROR_NOT_MARKED when the database lost foster's marker (it
 * is then left alone).
 */
FOSTER_API foster_result foster_attach(foster_session *session, const char *run_id);

/*
 * Returns the test database to its just-provisioned state: tables, fixtures
 * and sequences. SQLite: the pages are copied back from a pristine copy
 * (other connections see the new content at their next statement; an open
 * transaction elsewhere makes it wait, then fail). PostgreSQL: the database is
 * replaced by a copy of a template made at provisioning; connections to it
 * are ended (clients must reconnect; most drivers and pools do on error), and
 * the session's own connection is renewed. In a session that lives on, the
 * next copy is prepared in the background, so a reset costs two renames (the
 * old database is dropped in the background too). Works on a session from
 * foster_provision or foster_attach.
 */
FOSTER_API foster_result foster_reset(foster_session *session);

/*
 * Per-test isolation without a reset, on the session's own connection
 * (foster_connection): foster_test_begin marks the state (SAVEPOINT),
 * foster_test_end rolls everything since back. Only what goes through that
 * connection is isolated; other connections see nothing of it.
 */
FOSTER_API foster_result foster_test_begin(foster_session *session);
FOSTER_API foster_result foster_test_end(foster_session *session);

/*
 * The connection foster holds to the test database, for C test suites:
 * a `sqlite3 *` when foster_backend() is "sqlite", a `PGconn *` when it is
 * "postgres". Owned by the session; NULL before provisioning. Do not close it.
 */
FOSTER_API void *foster_connection(const foster_session *session);
FOSTER_API const char *foster_backend(const foster_session *session);

/* The run id, the database URL (no password), or NULL before provisioning. */
FOSTER_API const char *foster_run_id(const foster_session *session);
FOSTER_API const char *foster_url(const foster_session *session);

/*
 * The shell command that opens the engine's own client on the database
 * ("sqlite3 '/path'", "PGPASSFILE='…' psql 'postgresql://…'"), quoted for a
 * POSIX shell and never holding a password; a new string (free() it), or
 * NULL before provisioning, when the engine has no client foster knows, or
 * when memory ran out.
 */
FOSTER_API char *foster_client_command(const foster_session *session);

/*
 * The environment a command run against the database needs (docs/environment.md:
 * DATABASE_URL, FOSTER_BACKEND, FOSTER_RUN_ID, ...), as `count` name/value
 * pairs owned by the session; 0 before provisioning.
 */
FOSTER_API size_t foster_env_count(const foster_session *session);
FOSTER_API void foster_env_get(const foster_session *session, size_t index, const char **name,
                               const char **value);

/*
 * Loads fixture files into an existing database at `url` (sqlite:////path or
 * a PostgreSQL URL; NULL: the session's own database, after foster_provision
 * or foster_attach), in one transaction. Refuses a database without foster's
 * marker (FOSTER_ERROR_NOT_MARKED) unless `force` is set and the database's
 * name contains "test". The manifest gives the tables' order and columns.
 */
FOSTER_API foster_result foster_load(foster_session *session, const char *url,
                                     const char *const *files, size_t file_count, bool force);

/*
 * What is wrong with `url`, as foster_load and the postgres backend would take
 * it: NULL when it can be used (or is a SQLite URL or path, unless `postgres`
 * says it names a PostgreSQL server however it is written), else a new string
 * (free() it) saying what libpq could not parse, without any password
 * ("out of memory" when memory ran out; NULL only then if even that failed).
 */
FOSTER_API char *foster_url_problem(const char *url, bool postgres);

/*
 * Waits until the PostgreSQL server `url` names (a URL or key=value string;
 * "" for libpq's PG* environment) accepts connections and answers a query,
 * retrying with a capped exponential backoff for up to `timeout` seconds.
 * FOSTER_OK when ready; FOSTER_ERROR_TIMEOUT when it never was;
 * FOSTER_ERROR_DATABASE at once when waiting cannot help (authentication
 * failed, no such database, bad URL); FOSTER_ERROR_INTERRUPTED. The reason is
 * written to `message` (never a password). Uses `options` only for progress
 * (about once a second) and interrupt; NULL is fine. Needs no manifest.
 */
FOSTER_API foster_result foster_wait(const char *url, double timeout, const foster_options *options,
                                     char *message, size_t message_size);

/*
 * Removes what runs whose foster process died left behind: their databases
 * (SQLite files, PostgreSQL databases of this host on the session's server
 * when its backend is postgres), clusters and run records, and SQLite files
 * of runs whose record is gone. Only what carries foster's marker is touched;
 * runs kept by `up` or --keep are left for `down`. Each item removed (or,
 * with `dry_run`, that would be) is told to `report` as one line.
 * FOSTER_ERROR_DATABASE when something could not be removed (the rest is).
 */
FOSTER_API foster_result foster_gc(foster_session *session, bool dry_run, foster_progress_fn report,
                                   void *context);

/*
 * Removes every cached template (`gc --templates`): the foster_tpl_*
 * databases on the session's server when its backend is postgres, the SQLite
 * template cache and the cluster's cached data directories. What lacks
 * foster's template marker, and what a run is building or copying, is named
 * and left. Reported and returned as foster_gc does.
 */
FOSTER_API foster_result foster_gc_templates(foster_session *session, bool dry_run,
                                             foster_progress_fn report, void *context);

/* The last error as "file:line: message" (with a second "hint: ..." line when one applies). */
FOSTER_API const char *foster_errmsg(const foster_session *session);

/* Every problem foster_check or the last failing call found, one formatted line each. */
FOSTER_API size_t foster_problem_count(const foster_session *session);
FOSTER_API const char *foster_problem(const foster_session *session, size_t index);
FOSTER_API const char *foster_problem_hint(const foster_session *session, size_t index);
/*
 * The parts of problem `index`, for machine-readable output: its message alone
 * (no place, no hint), and where it is: *file NULL, *line 0 or *column 0 when
 * unknown. Strings are owned by the session.
 */
FOSTER_API const char *foster_problem_message(const foster_session *session, size_t index);
FOSTER_API void foster_problem_location(const foster_session *session, size_t index,
                                        const char **file, int *line, int *column);

/* Tears down (unless kept) and frees everything. NULL is fine. */
FOSTER_API void foster_close(foster_session *session);

FOSTER_API const char *foster_version(void);

#ifdef __cplusplus
}
#endif

#endif

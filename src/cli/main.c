/*
 * main.c — the foster command: argument parsing, one function per command,
 * printing. Each command is a few calls of foster.h; the exit codes are the
 * contract of docs/exit-codes.md.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "foster.h"
#include "process.h"
#include "strbuf.h"

/* `run` exit statuses for foster's own failures, as env(1) and timeout(1) use. */
#define EXIT_RUN_FOSTER_FAILED 125
/* Other commands. */
#define EXIT_PROBLEMS 1
#define EXIT_USAGE    2

/* Most workers' copies `--jobs` makes. */
#define MAX_JOBS 64

/* Seconds a command has to exit after a forwarded signal before SIGKILL. */
#define KILL_GRACE_SECONDS 10.0

typedef struct cli {
    const char *command;
    const char *manifest;
    const char *backend;
    const char *server_url; /* -u: the PostgreSQL server */
    const char *load_url;   /* load --url: the target database */
    const char *timeout;    /* wait --timeout: seconds */
    const char *jobs;       /* run/up --jobs: parallel workers' copies */
    bool quiet, json, keep, force, dry_run;
    int verbose;
    char **args; /* positional arguments after the command (run: the command line) */
    int arg_count;
} cli;

static const char usage_text[] =
    "usage: foster [OPTIONS] COMMAND [ARGS]\n"
    "\n"
    "Gives a test suite the tables it reads but does not own.\n"
    "\n"
    "commands:\n"
    "  run [--keep] [--jobs N] -- CMD...\n"
    "                           provision, run CMD with DATABASE_URL etc., tear down\n"
    "  up [--jobs N]            provision and print the environment as export lines\n"
    "  down [RUN_ID]            tear down what `up` made (default: the last one)\n"
    "  load [--url URL] [--force] FILE...\n"
    "                           load fixtures into an existing test database\n"
    "  reset                    return the test database of $FOSTER_RUN_ID (else the\n"
    "                           last `up`) to its just-provisioned state\n"
    "  check                    validate manifest, schema files and fixtures\n"
    "  wait [--timeout S] URL   wait until a PostgreSQL server accepts connections\n"
    "  gc [--dry-run]           remove what runs whose foster process died left behind\n"
    "\n"
    "options (before or after the command; -- ends them):\n"
    "  -c, --config FILE        manifest (default $FOSTER_CONFIG or ./foster.ini)\n"
    "  -b, --backend NAME       sqlite (default) | postgres | cluster | container\n"
    "  -u URL                   PostgreSQL server for the postgres backend\n"
    "  -q, --quiet              no progress lines\n"
    "  -v, --verbose            more detail\n"
    "      --json               machine-readable output (up, check)\n"
    "  -h, --help               this text\n"
    "      --version            foster's version\n"
    "\n"
    "exit status: run exits with CMD's status (128+N if signal N ended it), 125 when\n"
    "foster itself failed, 126/127 when CMD could not be run / was not found; other\n"
    "commands: 0 success, 1 problems found, 2 usage or manifest errors.\n";

static void print_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void print_error(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    fputs("foster: error: ", stderr);
    vfprintf(stderr, fmt, args);
    fputc('\n', stderr);
    va_end(args);
}

static void usage_error(const char *fmt, const char *detail)
{
    fputs("foster: error: ", stderr);
    fprintf(stderr, fmt, detail);
    fputs("\nhint: see foster --help\n", stderr);
}

/* The value of an option: "--name=value", or the next argument. */
static const char *option_value(int argc, char **argv, int *i)
{
    const char *arg = argv[*i];
    const char *equals = strncmp(arg, "--", 2) == 0 ? strchr(arg, '=') : NULL;
    if (equals)
        return equals + 1;
    if (*i + 1 >= argc) {
        usage_error("option %s needs a value", arg);
        return NULL;
    }
    return argv[++*i];
}

static bool is_option(const char *arg, const char *short_name, const char *long_name)
{
    size_t length = long_name ? strlen(long_name) : 0;
    return (short_name && strcmp(arg, short_name) == 0) ||
           (long_name && strncmp(arg, long_name, length) == 0 &&
            (arg[length] == '\0' || arg[length] == '='));
}

/* A URL option libpq cannot parse (-u always names a server): false after a message. */
static bool url_option_valid(const char *option, const char *url, bool postgres)
{
    char *problem = url ? foster_url_problem(url, postgres) : NULL;
    if (problem) {
        print_error("%s: %s", option, problem);
        fputs("hint: expected postgresql://USER@HOST:PORT/DATABASE or key=value pairs\n", stderr);
    }
    free(problem);
    return !problem;
}

/* Returns 0, 1 when it printed help or the version, or EXIT_USAGE after a message. */
static int parse_arguments(int argc, char **argv, cli *c)
{
    c->args = calloc((size_t)argc + 1, sizeof *c->args);
    if (!c->args)
        return EXIT_USAGE;
    bool options_done = false;
    for (int i = 1; i < argc; i++) {
        char *arg = argv[i];
        bool command_line_started = c->command && strcmp(c->command, "run") == 0 && c->arg_count;
        if (options_done || command_line_started || arg[0] != '-' || strcmp(arg, "-") == 0) {
            if (!c->command)
                c->command = arg;
            else
                c->args[c->arg_count++] = arg;
            continue;
        }
        const char **target = NULL;
        if (strcmp(arg, "--") == 0)
            options_done = true;
        else if (is_option(arg, "-h", "--help"))
            return fputs(usage_text, stdout), 1;
        else if (is_option(arg, NULL, "--version"))
            return printf("foster %s\n", foster_version()), 1;
        else if (is_option(arg, "-q", "--quiet"))
            c->quiet = true;
        else if (is_option(arg, "-v", "--verbose"))
            c->verbose++;
        else if (is_option(arg, NULL, "--json"))
            c->json = true;
        else if (is_option(arg, NULL, "--keep"))
            c->keep = true;
        else if (is_option(arg, NULL, "--force"))
            c->force = true;
        else if (is_option(arg, NULL, "--dry-run"))
            c->dry_run = true;
        else if (is_option(arg, "-c", "--config"))
            target = &c->manifest;
        else if (is_option(arg, "-b", "--backend"))
            target = &c->backend;
        else if (is_option(arg, "-u", NULL))
            target = &c->server_url;
        else if (is_option(arg, NULL, "--url"))
            target = &c->load_url;
        else if (is_option(arg, NULL, "--timeout"))
            target = &c->timeout;
        else if (is_option(arg, "-j", "--jobs"))
            target = &c->jobs;
        else {
            usage_error("unknown option %s", arg);
            return EXIT_USAGE;
        }
        if (target && !(*target = option_value(argc, argv, &i)))
            return EXIT_USAGE;
    }
    if (c->jobs) {
        char *end;
        long jobs = strtol(c->jobs, &end, 10);
        if (*end || end == c->jobs || jobs < 1 || jobs > MAX_JOBS) {
            usage_error("--jobs takes a number of workers from 1 to 64, not \"%s\"", c->jobs);
            return EXIT_USAGE;
        }
    }
    if (!url_option_valid("-u", c->server_url, true) ||
        !url_option_valid("--url", c->load_url, false))
        return EXIT_USAGE;
    return 0;
}

static void print_progress(void *context, const char *line)
{
    (void)context;
    fprintf(stderr, "foster: %s\n", line);
}

/* Prints every problem the last call found, each with its hint. */
static void print_problems(const foster_session *session, const char *severity)
{
    size_t count = foster_problem_count(session);
    if (!count) {
        fprintf(stderr, "foster: %s: %s\n", severity, foster_errmsg(session));
        return;
    }
    for (size_t i = 0; i < count; i++) {
        fprintf(stderr, "foster: %s: %s\n", severity, foster_problem(session, i));
        const char *hint = foster_problem_hint(session, i);
        if (hint)
            fprintf(stderr, "hint: %s\n", hint);
    }
}

static foster_result open_session(const cli *c, bool in_memory, foster_session **session)
{
    foster_options options;
    foster_options_init(&options);
    options.manifest_path = c->manifest;
    options.backend = c->backend;
    options.postgres_url = c->server_url;
    options.sqlite_in_memory = in_memory;
    options.verbose = c->verbose;
    options.interrupt = &process_interrupted;
    options.jobs = c->jobs ? atoi(c->jobs) : 0;
    if (!c->quiet)
        options.progress = print_progress;
    return foster_open(&options, session);
}

/* Exit status for a failed call of a command other than `run`. */
static int exit_status_for(foster_result result)
{
    return result == FOSTER_ERROR_MANIFEST ? EXIT_USAGE : EXIT_PROBLEMS;
}

/* down and reset: a run id that is not one (foster_attach's MISUSE) is a usage error. */
static int attach_exit_status(foster_result result)
{
    return result == FOSTER_ERROR_MISUSE ? EXIT_USAGE : exit_status_for(result);
}

/* 'value' quoted for a POSIX shell. */
static void print_shell_quoted(FILE *out, const char *value)
{
    fputc('\'', out);
    for (const char *p = value; *p; p++)
        if (*p == '\'')
            fputs("'\\''", out);
        else
            fputc(*p, out);
    fputc('\'', out);
}

static void print_json_string(FILE *out, const char *value)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

static void print_environment(const foster_session *session, bool json)
{
    size_t count = foster_env_count(session);
    if (json)
        fputc('{', stdout);
    for (size_t i = 0; i < count; i++) {
        const char *name, *value;
        foster_env_get(session, i, &name, &value);
        if (json) {
            fputs(i ? ", " : "", stdout);
            print_json_string(stdout, name);
            fputs(": ", stdout);
            print_json_string(stdout, value);
        } else {
            printf("export %s=", name);
            print_shell_quoted(stdout, value);
            fputc('\n', stdout);
        }
    }
    if (json)
        fputs("}\n", stdout);
}

static void print_command_line(char **args, int count)
{
    fputs("foster: running:", stderr);
    for (int i = 0; i < count; i++)
        fprintf(stderr, " %s", args[i]);
    fputc('\n', stderr);
}

static int command_run(const cli *c)
{
    if (c->arg_count == 0) {
        usage_error("%s", "run needs a command: foster run -- CMD [ARGS...]");
        return EXIT_RUN_FOSTER_FAILED;
    }
    diag_list problems = DIAG_LIST_INIT;
    if (process_catch_signals(&problems) < 0) {
        diag_list_print(&problems, "error", stderr);
        diag_list_clear(&problems);
        return EXIT_RUN_FOSTER_FAILED;
    }
    foster_session *session = NULL;
    foster_result result = open_session(c, false, &session);
    if (result == FOSTER_OK)
        result = foster_provision(session);
    if (result != FOSTER_OK) {
        print_problems(session, "error");
        foster_close(session);
        return process_interrupted ? 128 + process_interrupted : EXIT_RUN_FOSTER_FAILED;
    }
    size_t env_count = foster_env_count(session);
    const char **names = calloc(env_count + 1, sizeof *names);
    const char **values = calloc(env_count + 1, sizeof *values);
    int status = -1;
    if (names && values) {
        for (size_t i = 0; i < env_count; i++)
            foster_env_get(session, i, &names[i], &values[i]);
        if (!c->quiet)
            print_command_line(c->args, c->arg_count);
        status = process_run(c->args, names, values, env_count, KILL_GRACE_SECONDS, &problems);
    }
    free(names);
    free(values);
    if (status < 0 || status == PROCESS_NOT_FOUND || status == PROCESS_CANNOT_EXECUTE)
        diag_list_print(&problems, "error", stderr);
    else if (!c->quiet)
        fprintf(stderr, "foster: command exited with status %d\n", status);
    diag_list_clear(&problems);

    if (c->keep) {
        if (foster_keep(session) != FOSTER_OK) {
            print_problems(session, "error");
            status = EXIT_RUN_FOSTER_FAILED;
        } else if (!c->quiet) {
            fprintf(stderr, "foster: kept run %s: DATABASE_URL=%s\n", foster_run_id(session),
                    foster_url(session));
            fprintf(stderr, "foster: remove it with: foster down %s\n", foster_run_id(session));
        }
    } else if (foster_teardown(session) != FOSTER_OK) {
        /* The tests may have passed, but something is left behind: say so. */
        print_problems(session, "error");
        status = EXIT_RUN_FOSTER_FAILED;
    }
    foster_close(session);
    return status < 0 ? EXIT_RUN_FOSTER_FAILED : status;
}

static int command_up(const cli *c)
{
    diag_list problems = DIAG_LIST_INIT;
    if (process_catch_signals(&problems) < 0) {
        diag_list_print(&problems, "error", stderr);
        diag_list_clear(&problems);
        return EXIT_PROBLEMS;
    }
    foster_session *session = NULL;
    foster_result result = open_session(c, false, &session);
    if (result == FOSTER_OK)
        result = foster_provision(session);
    if (result == FOSTER_OK)
        result = foster_keep(session);
    if (result != FOSTER_OK) {
        print_problems(session, "error");
        foster_close(session);
        return exit_status_for(result);
    }
    print_environment(session, c->json);
    if (!c->quiet)
        fprintf(stderr, "foster: remove it with: foster down %s\n", foster_run_id(session));
    foster_close(session);
    return 0;
}

static int command_down(const cli *c)
{
    if (c->arg_count > 1) {
        usage_error("%s", "down takes at most one RUN_ID");
        return EXIT_USAGE;
    }
    foster_session *session = NULL;
    /* A manifest broken since `up` must not keep its database alive. */
    foster_result result = open_session(c, false, &session);
    if (result == FOSTER_ERROR_NOMEM) {
        print_error("out of memory");
        return EXIT_PROBLEMS;
    }
    result = foster_attach(session, c->arg_count ? c->args[0] : NULL);
    if (result == FOSTER_OK)
        result = foster_teardown(session);
    if (result != FOSTER_OK)
        print_problems(session, "error");
    foster_close(session);
    return result == FOSTER_OK ? 0 : attach_exit_status(result);
}

static int command_load(const cli *c)
{
    if (c->arg_count == 0) {
        usage_error("%s", "load needs at least one fixture file");
        return EXIT_USAGE;
    }
    foster_session *session = NULL;
    foster_result result = open_session(c, false, &session);
    const char *url = c->load_url ? c->load_url : getenv("DATABASE_URL");
    if (result == FOSTER_OK && (!url || !*url)) {
        /* Neither given nor inherited from `foster run`: the last `up`, loaded through
         * the session's own connection (which knows the server's password). */
        result = foster_attach(session, NULL);
        url = NULL;
        if (result == FOSTER_OK && !foster_url(session)) {
            print_error("no test database to load into: give --url, or run `foster up` first");
            foster_close(session);
            return EXIT_PROBLEMS;
        }
    }
    if (result == FOSTER_OK)
        result =
            foster_load(session, url, (const char *const *)c->args, (size_t)c->arg_count, c->force);
    if (result != FOSTER_OK)
        print_problems(session, "error");
    foster_close(session);
    return result == FOSTER_OK ? 0 : exit_status_for(result);
}

static int command_reset(const cli *c)
{
    if (c->arg_count) {
        usage_error("%s", "reset takes no arguments (it resets $FOSTER_RUN_ID, else the last up)");
        return EXIT_USAGE;
    }
    foster_session *session = NULL;
    foster_result result = open_session(c, false, &session);
    if (result != FOSTER_ERROR_NOMEM) {
        const char *run_id = getenv("FOSTER_RUN_ID");
        result = foster_attach(session, run_id && *run_id ? run_id : NULL);
    }
    if (result == FOSTER_OK && !foster_run_id(session)) {
        print_error("the run's database is gone; nothing to reset");
        foster_close(session);
        return EXIT_PROBLEMS;
    }
    if (result == FOSTER_OK)
        result = foster_reset(session);
    if (result != FOSTER_OK)
        print_problems(session, "error");
    foster_close(session);
    return result == FOSTER_OK ? 0 : attach_exit_status(result);
}

static void print_line(void *context, const char *line)
{
    (void)context;
    printf("%s\n", line);
}

static int command_gc(const cli *c)
{
    if (c->arg_count) {
        usage_error("%s", "gc takes no arguments");
        return EXIT_USAGE;
    }
    foster_session *session = NULL;
    /* gc must work where no manifest is (it then skips the server). */
    foster_result result = open_session(c, false, &session);
    if (result != FOSTER_ERROR_NOMEM)
        result = foster_gc(session, c->dry_run, print_line, NULL);
    if (result != FOSTER_OK)
        print_problems(session, "error");
    foster_close(session);
    return result == FOSTER_OK ? 0 : EXIT_PROBLEMS;
}

static void print_problems_json(const foster_session *session)
{
    fputs("{\"problems\": [", stdout);
    for (size_t i = 0; i < foster_problem_count(session); i++) {
        fputs(i ? ", " : "", stdout);
        fputs("{\"message\": ", stdout);
        print_json_string(stdout, foster_problem(session, i));
        const char *hint = foster_problem_hint(session, i);
        if (hint) {
            fputs(", \"hint\": ", stdout);
            print_json_string(stdout, hint);
        }
        fputc('}', stdout);
    }
    fputs("]}\n", stdout);
}

static int command_check(const cli *c)
{
    foster_session *session = NULL;
    foster_result result = open_session(c, true, &session);
    if (result == FOSTER_OK)
        result = foster_check(session);
    if (c->json)
        print_problems_json(session);
    else if (result != FOSTER_OK)
        print_problems(session, "error");
    else if (!c->quiet)
        fprintf(stderr, "foster: check: no problems found\n");
    foster_close(session);
    return result == FOSTER_OK ? 0 : exit_status_for(result);
}

/* Default for `wait --timeout`, in seconds. */
#define WAIT_DEFAULT_TIMEOUT 60.0

static int command_wait(const cli *c)
{
    if (c->arg_count != 1) {
        usage_error("%s", "wait takes one URL: foster wait [--timeout S] URL");
        return EXIT_USAGE;
    }
    double timeout = WAIT_DEFAULT_TIMEOUT;
    if (c->timeout) {
        char *end;
        timeout = strtod(c->timeout, &end);
        if (*end || end == c->timeout || !isfinite(timeout) || timeout < 0) {
            usage_error("--timeout takes a number of seconds, not \"%s\"", c->timeout);
            return EXIT_USAGE;
        }
    }
    diag_list problems = DIAG_LIST_INIT;
    if (process_catch_signals(&problems) < 0) {
        diag_list_print(&problems, "error", stderr);
        diag_list_clear(&problems);
        return EXIT_PROBLEMS;
    }
    foster_options options;
    foster_options_init(&options);
    options.interrupt = &process_interrupted;
    if (!c->quiet && isatty(STDERR_FILENO))
        options.progress = print_progress;
    char message[1024];
    foster_result result = foster_wait(c->args[0], timeout, &options, message, sizeof message);
    if (result == FOSTER_OK) {
        if (!c->quiet)
            fprintf(stderr, "foster: %s\n", message);
        return 0;
    }
    print_error("%s", message);
    return result == FOSTER_ERROR_INTERRUPTED ? 128 + process_interrupted : EXIT_PROBLEMS;
}

int main(int argc, char **argv)
{
    cli c = {0};
    int rc = parse_arguments(argc, argv, &c);
    bool is_run = c.command && strcmp(c.command, "run") == 0;
    if (rc != 0) {
        free(c.args);
        return rc == 1 ? 0 : (is_run ? EXIT_RUN_FOSTER_FAILED : rc);
    }
    if (!c.command) {
        fputs(usage_text, stderr);
        free(c.args);
        return EXIT_USAGE;
    }
    if (is_run)
        rc = command_run(&c);
    else if (strcmp(c.command, "up") == 0 && c.arg_count == 0)
        rc = command_up(&c);
    else if (strcmp(c.command, "down") == 0)
        rc = command_down(&c);
    else if (strcmp(c.command, "load") == 0)
        rc = command_load(&c);
    else if (strcmp(c.command, "check") == 0 && c.arg_count == 0)
        rc = command_check(&c);
    else if (strcmp(c.command, "wait") == 0)
        rc = command_wait(&c);
    else if (strcmp(c.command, "reset") == 0)
        rc = command_reset(&c);
    else if (strcmp(c.command, "gc") == 0)
        rc = command_gc(&c);
    else if (strcmp(c.command, "up") == 0 || strcmp(c.command, "check") == 0) {
        usage_error("%s takes no arguments", c.command);
        rc = EXIT_USAGE;
    } else {
        usage_error("unknown command \"%s\"", c.command);
        rc = EXIT_USAGE;
    }
    free(c.args);
    return rc;
}

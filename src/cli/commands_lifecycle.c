/*
 * commands_lifecycle.c — the commands that make and remove test databases:
 * `run` (provision, run a command, tear down), `up` (provision and print the
 * environment) and `down` (tear down what `up` left).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "diag.h"
#include "process.h"
#include "strbuf.h"

/* Seconds a command has to exit after a forwarded signal before SIGKILL. */
#define KILL_GRACE_SECONDS 10.0

void session_options(const cli *c, bool in_memory, foster_options *options)
{
    foster_options_init(options);
    options->manifest_path = c->manifest;
    options->backend = c->backend;
    options->postgres_url = c->server_url;
    options->sqlite_in_memory = in_memory;
    options->verbose = c->verbose;
    options->interrupt = &process_interrupted;
    options->jobs = c->jobs ? atoi(c->jobs) : 0;
    options->no_cache = c->no_cache;
    progress_setup(c, options);
}

foster_result open_session(const cli *c, bool in_memory, foster_session **session)
{
    foster_options options;
    session_options(c, in_memory, &options);
    return foster_open(&options, session);
}

int exit_status_for(foster_result result)
{
    return result == FOSTER_ERROR_MANIFEST ? EXIT_USAGE : EXIT_PROBLEMS;
}

int attach_exit_status(foster_result result)
{
    return result == FOSTER_ERROR_MISUSE ? EXIT_USAGE : exit_status_for(result);
}

/* Signals reach the command and end foster's waits; -1 after a message. */
static int catch_signals(void)
{
    diag_list problems = DIAG_LIST_INIT;
    int rc = process_catch_signals(&problems);
    if (rc < 0)
        diag_list_print(&problems, "error", stderr);
    diag_list_clear(&problems);
    return rc;
}

static void print_command_line(char **args, int count)
{
    fputs("foster: running:", stderr);
    for (int i = 0; i < count; i++)
        fprintf(stderr, " %s", args[i]);
    fputc('\n', stderr);
}

/* process_run's settle: the next copy a `foster reset` of the command started is not ended
 * half way with the command's leftovers. */
static void settle_session(void *session)
{
    foster_settle(session);
}

/* Runs the command line with the session's environment; its status, or -1. */
static int run_command(const cli *c, foster_session *session)
{
    size_t env_count = foster_env_count(session);
    const char **names = calloc(env_count + 1, sizeof *names);
    const char **values = calloc(env_count + 1, sizeof *values);
    diag_list problems = DIAG_LIST_INIT;
    int status = -1;
    if (names && values) {
        for (size_t i = 0; i < env_count; i++)
            foster_env_get(session, i, &names[i], &values[i]);
        if (!c->quiet)
            print_command_line(c->args, c->arg_count);
        status = process_run(c->args, names, values, env_count, KILL_GRACE_SECONDS, settle_session,
                             session, &problems);
    }
    free(names);
    free(values);
    if (status < 0 || status == PROCESS_NOT_FOUND || status == PROCESS_CANNOT_EXECUTE)
        diag_list_print(&problems, "error", stderr);
    else if (!c->quiet)
        fprintf(stderr, "foster: command exited with status %d\n", status);
    diag_list_clear(&problems);
    return status;
}

/* How to reach a kept database: the engine's client, and its URL. */
static void print_how_to_connect(const foster_session *session)
{
    char *command = foster_client_command(session);
    if (command)
        fprintf(stderr, "foster: connect with: %s\n", command);
    free(command);
    fprintf(stderr, "foster: DATABASE_URL=%s\n", foster_url(session));
}

/* --keep, or --keep-on-failure after a failure: the database stays for `down`. */
static int keep_database(const cli *c, foster_session *session, int status)
{
    if (foster_keep(session) != FOSTER_OK) {
        print_problems(session, "error");
        return EXIT_RUN_FOSTER_FAILED;
    }
    if (c->keep_on_failure) { /* said even with -q: the user must learn it is there */
        fprintf(stderr, "foster: the command failed (status %d): kept run %s's database\n", status,
                foster_run_id(session));
        print_how_to_connect(session);
    } else if (!c->quiet) {
        fprintf(stderr, "foster: kept run %s: DATABASE_URL=%s\n", foster_run_id(session),
                foster_url(session));
    }
    if (c->keep_on_failure || !c->quiet)
        fprintf(stderr, "foster: remove it with: foster down %s\n", foster_run_id(session));
    return status;
}

int command_run(const cli *c)
{
    if (c->arg_count == 0) {
        usage_error(c, "run needs a command: foster run -- CMD [ARGS...]");
        return EXIT_RUN_FOSTER_FAILED;
    }
    if (catch_signals() < 0)
        return EXIT_RUN_FOSTER_FAILED;
    foster_session *session = NULL;
    foster_result result = open_session(c, false, &session);
    if (result == FOSTER_OK)
        result = foster_provision(session);
    if (result != FOSTER_OK) {
        print_problems(session, "error");
        foster_close(session);
        return process_interrupted ? 128 + process_interrupted : EXIT_RUN_FOSTER_FAILED;
    }
    int status = run_command(c, session);
    /* A failure, not an interruption: Ctrl-C still cleans up. */
    bool failed = status != 0 && !process_interrupted;
    if (c->keep || (c->keep_on_failure && failed)) {
        status = keep_database(c, session, status);
    } else if (foster_teardown(session) != FOSTER_OK) {
        /* The tests may have passed, but something is left behind: say so. */
        print_problems(session, "error");
        status = EXIT_RUN_FOSTER_FAILED;
    }
    foster_close(session);
    return status < 0 ? EXIT_RUN_FOSTER_FAILED : status;
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

int report_failure(const cli *c, foster_session *session, foster_result result)
{
    print_problems(session, "error");
    if (c->json)
        print_problems_json(session);
    foster_close(session);
    return exit_status_for(result);
}

int report_attach_failure(const cli *c, foster_session *session, foster_result result)
{
    report_failure(c, session, result);
    return attach_exit_status(result);
}

int command_up(const cli *c)
{
    if (c->arg_count) {
        usage_error(c, "up takes no arguments");
        return EXIT_USAGE;
    }
    if (catch_signals() < 0)
        return EXIT_PROBLEMS;
    foster_session *session = NULL;
    foster_result result = open_session(c, false, &session);
    if (result == FOSTER_OK)
        result = foster_provision(session);
    if (result == FOSTER_OK)
        result = foster_keep(session);
    if (result != FOSTER_OK)
        return report_failure(c, session, result);
    print_environment(session, c->json);
    if (!c->quiet)
        fprintf(stderr, "foster: remove it with: foster down %s\n", foster_run_id(session));
    foster_close(session);
    return 0;
}

/*
 * The workers' copies `up --jobs N` exported into this shell: N when the
 * shell's FOSTER_RUN_ID is the run torn down (the session, attached, knows
 * the copies only as names it drops), else 0.
 */
static int shell_copies(const char *run_id)
{
    const char *shell_run = getenv("FOSTER_RUN_ID"), *jobs = getenv("FOSTER_JOBS");
    if (!run_id || !shell_run || strcmp(shell_run, run_id) != 0 || !jobs)
        return 0;
    int count = atoi(jobs);
    return count > 0 && count <= MAX_JOBS ? count : 0;
}

/* The names `up` exported for the run, as a NULL-terminated list the caller frees. */
static char **environment_names(const foster_session *session, const char *run_id)
{
    size_t count = foster_env_count(session);
    int copies = shell_copies(run_id);
    char **names = calloc(count + (size_t)copies + 2, sizeof *names);
    size_t n = 0;
    for (size_t i = 0; names && i < count; i++) {
        const char *name, *value;
        foster_env_get(session, i, &name, &value);
        names[n++] = strdup(name);
    }
    if (names && copies)
        names[n++] = strdup("FOSTER_JOBS");
    for (int i = 1; names && i <= copies; i++)
        names[n++] = strbuf_format("DATABASE_URL_%d", i);
    return names;
}

static void free_names(char **names)
{
    for (size_t i = 0; names && names[i]; i++)
        free(names[i]);
    free(names);
}

/* What `down` removed: unset lines for a shell's eval, or one JSON object. */
static void print_removed(const cli *c, const char *run_id, char **names)
{
    if (c->json) {
        fputs("{\"run_id\": ", stdout);
        print_json_string_or_null(stdout, run_id);
        fprintf(stdout, ", \"removed\": %s, \"unset\": [", run_id ? "true" : "false");
        for (size_t i = 0; names && names[i]; i++) {
            fputs(i ? ", " : "", stdout);
            print_json_string(stdout, names[i]);
        }
        fputs("]}\n", stdout);
    } else if (!isatty(STDOUT_FILENO)) {
        for (size_t i = 0; names && names[i]; i++)
            printf("unset %s\n", names[i]);
    }
}

/* Nothing to tear down: said, and an error only with --strict. */
static int nothing_to_tear_down(const cli *c, foster_session *session)
{
    if (c->strict)
        return report_failure(c, session, FOSTER_ERROR_NOT_FOUND);
    if (!c->quiet)
        fprintf(stderr, "foster: nothing to tear down: %s\n", foster_problem(session, 0));
    print_removed(c, NULL, NULL);
    foster_close(session);
    return 0;
}

/* Without -c, FOSTER_CONFIG or a foster.ini above: no manifest to find runs by. */
static bool manifest_missing(const cli *c)
{
    const char *config = getenv("FOSTER_CONFIG");
    if (c->manifest || (config && *config))
        return false;
    char *found = foster_find_manifest();
    free(found);
    return !found;
}

int command_down(const cli *c)
{
    if (c->arg_count > 1) {
        usage_error(c, "down takes at most one RUN_ID");
        return EXIT_USAGE;
    }
    const char *run_id = c->arg_count ? c->args[0] : NULL;
    foster_session *session = NULL;
    /* A manifest broken since `up` must not keep its database alive. */
    foster_result result = open_session(c, false, &session);
    if (result == FOSTER_ERROR_NOMEM) {
        print_error("out of memory");
        return EXIT_PROBLEMS;
    }
    if (!run_id && manifest_missing(c))
        return report_failure(c, session, result);
    result = foster_attach(session, run_id);
    if (result == FOSTER_ERROR_NOT_FOUND)
        return nothing_to_tear_down(c, session);
    char attached[64] = "";
    if (result == FOSTER_OK && foster_run_id(session))
        snprintf(attached, sizeof attached, "%s", foster_run_id(session));
    char **names = result == FOSTER_OK ? environment_names(session, attached) : NULL;
    if (result == FOSTER_OK)
        result = foster_teardown(session);
    if (result != FOSTER_OK) {
        free_names(names);
        return report_attach_failure(c, session, result);
    }
    print_removed(c, attached[0] ? attached : NULL, names);
    free_names(names);
    foster_close(session);
    return 0;
}

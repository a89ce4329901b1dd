/*
 * commands_tools.c — the commands around a test database: `load` (fixtures
 * into it), `reset` (back to just provisioned), `check` (the inputs, no
 * server), `wait` (for a server), `gc` (what dead runs left) and `help`.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "diag.h"
#include "process.h"

/* load --json: the files loaded, as JSON objects separated by ", ". */
typedef struct loaded_files {
    char *json;
    size_t size;
    FILE *out; /* writes into json */
    size_t count;
} loaded_files;

static void collect_loaded(void *context, const foster_load_status *status)
{
    progress_show_load(NULL, status);
    loaded_files *loaded = context;
    if (!status->done || !loaded->out)
        return;
    fputs(loaded->count++ ? ", {\"table\": " : "{\"table\": ", loaded->out);
    print_json_string_or_null(loaded->out, status->table);
    fputs(", \"file\": ", loaded->out);
    print_json_string(loaded->out, status->file);
    fprintf(loaded->out, ", \"rows\": %lld}", status->rows);
}

int command_load(const cli *c)
{
    if (c->arg_count == 0) {
        usage_error(c, "load needs at least one fixture file");
        return EXIT_USAGE;
    }
    foster_options options;
    session_options(c, false, &options);
    loaded_files loaded = {0};
    if (c->json) {
        loaded.out = open_memstream(&loaded.json, &loaded.size);
        options.load_progress = collect_loaded;
        options.load_progress_context = &loaded;
    }
    foster_session *session = NULL;
    foster_result result = foster_open(&options, &session);
    const char *url = c->load_url ? c->load_url : getenv("DATABASE_URL");
    if (result == FOSTER_OK && (!url || !*url)) {
        /* Neither given nor inherited from `foster run`: the last `up`, loaded through
         * the session's own connection (which knows the server's password). */
        result = foster_attach(session, NULL);
        url = NULL;
        if (result == FOSTER_OK && !foster_url(session)) {
            print_error("no test database to load into: give --url, or run `foster up` first");
            if (c->json)
                print_message_json("no test database to load into", "give --url, or run "
                                                                    "`foster up` first");
            result = FOSTER_ERROR_NOT_FOUND;
        }
    }
    if (result == FOSTER_OK)
        result =
            foster_load(session, url, (const char *const *)c->args, (size_t)c->arg_count, c->force);
    int status = 0;
    if (result != FOSTER_OK && foster_problem_count(session))
        status = report_failure(c, session, result);
    else if (result != FOSTER_OK)
        status = (foster_close(session), EXIT_PROBLEMS);
    if (loaded.out)
        fclose(loaded.out);
    if (result == FOSTER_OK && c->json)
        printf("{\"loaded\": [%s]}\n", loaded.json ? loaded.json : "");
    if (result == FOSTER_OK)
        foster_close(session);
    free(loaded.json);
    return status;
}

int command_reset(const cli *c)
{
    if (c->arg_count) {
        usage_error(c, "reset takes no arguments (it resets $FOSTER_RUN_ID, else the last up)");
        return EXIT_USAGE;
    }
    foster_session *session = NULL;
    foster_options options;
    session_options(c, false, &options);
    options.record_only = true; /* the run's record is all a reset needs */
    foster_result result = foster_open(&options, &session);
    if (result != FOSTER_ERROR_NOMEM) {
        const char *run_id = getenv("FOSTER_RUN_ID");
        result = foster_attach(session, run_id && *run_id ? run_id : NULL);
    }
    if (result == FOSTER_OK && !foster_run_id(session)) {
        print_error("the run's database is gone; nothing to reset");
        if (c->json)
            print_message_json("the run's database is gone; nothing to reset", NULL);
        foster_close(session);
        return EXIT_PROBLEMS;
    }
    if (result == FOSTER_OK)
        result = foster_reset(session);
    if (result != FOSTER_OK)
        return report_attach_failure(c, session, result);
    if (c->json) {
        fputs("{\"run_id\": ", stdout);
        print_json_string(stdout, foster_run_id(session));
        fputs(", \"reset\": true}\n", stdout);
    }
    foster_close(session);
    return 0;
}

int command_check(const cli *c)
{
    if (c->arg_count) {
        usage_error(c, "check takes no arguments");
        return EXIT_USAGE;
    }
    foster_session *session = NULL;
    foster_result result = open_session(c, true, &session);
    if (result == FOSTER_OK)
        result = foster_check(session);
    if (result != FOSTER_OK)
        return report_failure(c, session, result);
    if (c->json)
        print_problems_json(session);
    else if (!c->quiet)
        fprintf(stderr, "foster: check: no problems found\n");
    foster_close(session);
    return 0;
}

/* Default for `wait --timeout`, in seconds. */
#define WAIT_DEFAULT_TIMEOUT 60.0

static void print_wait_json(bool ready, const char *message)
{
    fprintf(stdout, "{\"ready\": %s, ", ready ? "true" : "false");
    if (ready) {
        fputs("\"message\": ", stdout);
        print_json_string(stdout, message);
        fputs("}\n", stdout);
    } else {
        fputs("\"problems\": [{\"file\": null, \"line\": null, \"column\": null, \"message\": ",
              stdout);
        print_json_string(stdout, message);
        fputs(", \"hint\": null}]}\n", stdout);
    }
}

int command_wait(const cli *c)
{
    if (c->arg_count != 1) {
        usage_error(c, "wait takes one URL: foster wait [--timeout S] URL");
        return EXIT_USAGE;
    }
    double timeout = WAIT_DEFAULT_TIMEOUT;
    if (c->timeout) {
        char *end;
        timeout = strtod(c->timeout, &end);
        if (*end || end == c->timeout || !isfinite(timeout) || timeout < 0) {
            usage_error(c, "--timeout takes a number of seconds, not \"%s\"", c->timeout);
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
        options.progress = progress_print_line;
    char message[1024];
    foster_result result = foster_wait(c->args[0], timeout, &options, message, sizeof message);
    if (c->json)
        print_wait_json(result == FOSTER_OK, message);
    if (result == FOSTER_OK) {
        if (!c->quiet)
            fprintf(stderr, "foster: %s\n", message);
        return 0;
    }
    print_error("%s", message);
    return result == FOSTER_ERROR_INTERRUPTED ? 128 + process_interrupted : EXIT_PROBLEMS;
}

/* gc's report: a line on stdout, or a JSON string in the list. */
typedef struct gc_report {
    const cli *cli;
    size_t count;
} gc_report;

static void print_gc_line(void *context, const char *line)
{
    gc_report *report = context;
    if (report->cli->json) {
        fputs(report->count ? ", " : "", stdout);
        print_json_string(stdout, line);
    } else {
        printf("%s\n", line);
    }
    report->count++;
}

int command_gc(const cli *c)
{
    if (c->arg_count) {
        usage_error(c, "gc takes no arguments");
        return EXIT_USAGE;
    }
    foster_session *session = NULL;
    /* gc must work where no manifest is (it then skips the server). */
    foster_result result = open_session(c, false, &session);
    gc_report report = {c, 0};
    if (c->json)
        printf("{\"dry_run\": %s, \"removed\": [", c->dry_run ? "true" : "false");
    if (result != FOSTER_ERROR_NOMEM)
        result = foster_gc(session, c->dry_run, print_gc_line, &report);
    if (result == FOSTER_OK && c->templates)
        result = foster_gc_templates(session, c->dry_run, print_gc_line, &report);
    if (c->json && result != FOSTER_OK) {
        fputs("], \"problems\": ", stdout);
        print_problem_array(session);
        fputs("}\n", stdout);
    } else if (c->json) {
        fputs("]}\n", stdout);
    }
    if (result != FOSTER_OK)
        print_problems(session, "error");
    foster_close(session);
    return result == FOSTER_OK ? 0 : EXIT_PROBLEMS;
}

int command_help(const cli *c)
{
    if (c->arg_count > 1) {
        usage_error(c, "help takes at most one COMMAND");
        return EXIT_USAGE;
    }
    cli_command command = c->arg_count ? cli_command_find(c->args[0]) : COMMAND_NONE;
    if (c->arg_count && command == COMMAND_NONE) {
        print_error("no command \"%s\"", c->args[0]);
        fputs("hint: see foster --help for the list of commands\n", stderr);
        return EXIT_USAGE;
    }
    if (c->all)
        usage_print_all(stdout);
    else if (command == COMMAND_NONE)
        usage_print_global(stdout);
    else
        usage_print_command(stdout, command);
    return 0;
}

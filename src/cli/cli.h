/*
 * cli.h — the foster command's parts: what the arguments said (options.c),
 * the usage of every command and option (usage.c, the one table the help
 * and the docs come from), printing (output.c, progress.c) and the commands
 * (commands_*.c). Each command is a few calls of foster.h plus printing.
 */
#ifndef FOSTER_CLI_H
#define FOSTER_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "foster.h"

/* `run` exit status for foster's own failures, as env(1) and timeout(1) use. */
#define EXIT_RUN_FOSTER_FAILED 125
/* Other commands. */
#define EXIT_PROBLEMS 1
#define EXIT_USAGE    2

/* Most workers' copies `--jobs` makes. */
#define MAX_JOBS 64

typedef enum cli_command {
    COMMAND_NONE = -1,
    COMMAND_RUN,
    COMMAND_UP,
    COMMAND_DOWN,
    COMMAND_LOAD,
    COMMAND_RESET,
    COMMAND_CHECK,
    COMMAND_WAIT,
    COMMAND_GC,
    COMMAND_SNAPSHOT,
    COMMAND_DIFF,
    COMMAND_SCHEMA,
    COMMAND_HELP,
    COMMAND_COUNT
} cli_command;

/* A set of commands, one bit each (1u << COMMAND_RUN, ...). */
typedef unsigned cli_command_set;
#define COMMANDS_ALL ((1u << COMMAND_COUNT) - 1)

typedef struct cli {
    cli_command command;
    const char *command_name; /* as typed */
    const char *manifest;
    const char *backend;
    const char *server_url;  /* -u: the PostgreSQL server */
    const char *load_url;    /* load --url: the target database */
    const char *timeout;     /* wait --timeout: seconds */
    const char *jobs;        /* run/up --jobs: parallel workers' copies */
    const char *from_url;    /* snapshot --from: the owner's database */
    const char *against_url; /* diff --against: the owner's database */
    const char *against_dir; /* diff --against-dir: another snapshot's folder */
    bool quiet, json, keep, keep_on_failure, strict, force, dry_run, all, help, check, no_cache,
        templates;
    int verbose;
    char **args; /* positional arguments after the command (run: the command line) */
    int arg_count;
} cli;

/* ---- usage.c: the table of commands and options ------------------------ */

typedef struct cli_option_doc {
    int id;                   /* getopt_long's value: the short letter, or an OPTION_* code */
    char short_name;          /* 0 when none */
    const char *name;         /* the long name, without "--"; NULL when none */
    const char *value;        /* the value's name ("FILE"), NULL for a flag */
    const char *help;         /* one line */
    cli_command_set commands; /* the commands that take it; COMMANDS_ALL: a common option */
} cli_option_doc;

typedef struct cli_command_doc {
    const char *name;
    const char *synopsis;    /* after "foster NAME": "[--keep] [--] CMD [ARGS...]" */
    const char *summary;     /* one line, for the list of commands */
    const char *description; /* lines, each ending in "\n" */
    const char *exit_status; /* one paragraph, each line ending in "\n" */
} cli_command_doc;

/* Long-only options' ids (above every letter). */
enum {
    OPTION_JSON = 256,
    OPTION_VERSION,
    OPTION_KEEP,
    OPTION_KEEP_ON_FAILURE,
    OPTION_STRICT,
    OPTION_FORCE,
    OPTION_DRY_RUN,
    OPTION_URL,
    OPTION_TIMEOUT,
    OPTION_ALL,
    OPTION_FROM,
    OPTION_CHECK,
    OPTION_AGAINST,
    OPTION_AGAINST_DIR,
    OPTION_NO_CACHE,
    OPTION_TEMPLATES,
};

extern const cli_option_doc cli_options[];
extern const size_t cli_option_count;
extern const cli_command_doc cli_commands[COMMAND_COUNT];

/* The command named `name`, or COMMAND_NONE. */
cli_command cli_command_find(const char *name);
/* The option whose id is `id`, or NULL. */
const cli_option_doc *cli_option_find(int id);
/* "-c, --config" / "--json" / "-u": how the option is written, into `out`. */
void cli_option_spelling(const cli_option_doc *option, char *out, size_t size);

/* foster's usage: the commands and the common options. */
void usage_print_global(FILE *out);
/* One command's usage, description, options, common options and exit status. */
void usage_print_command(FILE *out, cli_command command);
/* The global usage, then every command's (for `foster help --all` and the docs). */
void usage_print_all(FILE *out);

/* ---- options.c ---------------------------------------------------------- */

/*
 * Parses the arguments (GNU getopt_long: -bNAME, --backend=NAME, --backend
 * NAME, -- ends options; options may follow the command; for `run`, the
 * first argument that is not an option starts the command line). Returns 0;
 * 1 when it printed the version (exit 0); EXIT_USAGE after a message.
 */
int options_parse(int argc, char **argv, cli *c);
void options_free(cli *c);

/* ---- output.c ----------------------------------------------------------- */

void print_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "foster: error: <message>" and a hint naming the help of the command. */
void usage_error(const cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Every problem the last call of `session` found, each with its hint, on stderr. */
void print_problems(const foster_session *session, const char *severity);
/* The same as one JSON object {"problems": [{file, line, column, message, hint}]} on stdout. */
void print_problems_json(const foster_session *session);
/* Only the list: [{"file": ..., "line": ..., "column": ..., "message": ..., "hint": ...}]. */
void print_problem_array(const foster_session *session);
/* {"problems": [{"file": null, ..., "message": message, "hint": hint}]} for an error
 * that is not a session's. */
void print_message_json(const char *message, const char *hint);
void print_json_string(FILE *out, const char *value);
/* A JSON string, or null for NULL. */
void print_json_string_or_null(FILE *out, const char *value);
void print_shell_quoted(FILE *out, const char *value);

/* ---- progress.c --------------------------------------------------------- */

/*
 * Sets up foster's progress output on stderr: the lines (unless -q), and on a
 * terminal a live line per fixture file loading for more than a second.
 */
void progress_setup(const cli *c, foster_options *options);
/* foster_progress_fn: "foster: LINE" on stderr (clearing a live line first). */
void progress_print_line(void *context, const char *line);
/* foster_load_fn: draws the live line, when progress_setup enabled it. */
void progress_show_load(void *context, const foster_load_status *status);

/* ---- the commands ------------------------------------------------------- */

/* The session options for a command, from its arguments. */
void session_options(const cli *c, bool in_memory, foster_options *options);
/* The session for a command, from its arguments. */
foster_result open_session(const cli *c, bool in_memory, foster_session **session);
/*
 * A failed call: its problems on stderr, and with --json also as JSON on
 * stdout; closes the session. Returns exit_status_for(result).
 */
int report_failure(const cli *c, foster_session *session, foster_result result);
/* report_failure for down and reset: returns attach_exit_status(result). */
int report_attach_failure(const cli *c, foster_session *session, foster_result result);
/* Exit status for a failed call of a command other than `run`. */
int exit_status_for(foster_result result);
/* down and reset: a run id that is not one (foster_attach's MISUSE) is a usage error. */
int attach_exit_status(foster_result result);

int command_run(const cli *c);
int command_up(const cli *c);
int command_down(const cli *c);
int command_load(const cli *c);
int command_reset(const cli *c);
int command_check(const cli *c);
int command_wait(const cli *c);
int command_gc(const cli *c);
int command_help(const cli *c);

/* ---- commands_drift.c: the owner's schema (snapshot, diff, schema) ---- */

/* diff's exit status when foster itself failed (the owner unreachable, a file unreadable). */
#define EXIT_DRIFT_ERROR 125

int command_snapshot(const cli *c);
int command_diff(const cli *c);
int command_schema(const cli *c);

#endif

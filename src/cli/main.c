/*
 * main.c — the foster command: reads the arguments (options.c), runs one
 * command (commands_*.c) and exits with its status; the exit codes are the
 * contract of docs/exit-codes.md, and usage.c's table the
 * usage of every command.
 */
#include <stdio.h>

#include "cli.h"

typedef int (*command_fn)(const cli *c);

static const command_fn commands[COMMAND_COUNT] = {
    [COMMAND_RUN] = command_run,     [COMMAND_UP] = command_up,
    [COMMAND_DOWN] = command_down,   [COMMAND_LOAD] = command_load,
    [COMMAND_RESET] = command_reset, [COMMAND_CHECK] = command_check,
    [COMMAND_WAIT] = command_wait,   [COMMAND_GC] = command_gc,
    [COMMAND_HELP] = command_help,   [COMMAND_SNAPSHOT] = command_snapshot,
    [COMMAND_DIFF] = command_diff,   [COMMAND_SCHEMA] = command_schema,
};

int main(int argc, char **argv)
{
    cli c = {0};
    int rc = options_parse(argc, argv, &c);
    bool is_run = c.command == COMMAND_RUN;
    if (rc == 0 && c.help) {
        /* --help anywhere before run's command line: the usage, and nothing done. */
        if (c.command == COMMAND_NONE)
            usage_print_global(stdout);
        else
            usage_print_command(stdout, c.command);
    } else if (rc == 0 && c.command == COMMAND_NONE) {
        usage_print_global(stderr);
        rc = EXIT_USAGE;
    } else if (rc == 0) {
        rc = commands[c.command](&c);
    } else if (rc == 1) {
        rc = 0; /* --version */
    } else if (is_run) {
        rc = EXIT_RUN_FOSTER_FAILED;
    }
    options_free(&c);
    return rc;
}

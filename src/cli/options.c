/*
 * options.c — foster's arguments, by GNU getopt_long's conventions: -bNAME,
 * -b NAME, --backend=NAME, --backend NAME, unique prefixes of long names,
 * -- ends options. Options may come before or after the command; each must
 * be one the command takes (usage.c's table says which).
 *
 * Two passes: the options before the command (stopping at it), then the
 * command's own arguments — permuted for every command but `run`, whose first
 * argument that is not an option starts the command line it runs.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* getopt_long's table and short-option string, made from usage.c's table. */
typedef struct option_table {
    struct option longs[32];
    char shorts[64];
} option_table;

static void option_table_make(option_table *t, bool stop_at_first_argument)
{
    size_t n = 0, k = 0;
    t->shorts[k++] = stop_at_first_argument ? '+' : '-';
    t->shorts[k++] = ':'; /* a missing value returns ':', and getopt prints nothing */
    for (size_t i = 0; i < cli_option_count; i++) {
        const cli_option_doc *o = &cli_options[i];
        int has_arg = o->value ? required_argument : no_argument;
        if (o->name)
            t->longs[n++] = (struct option){o->name, has_arg, NULL, o->id};
        if (o->short_name) {
            t->shorts[k++] = o->short_name;
            if (o->value)
                t->shorts[k++] = ':';
        }
    }
    t->longs[n] = (struct option){0};
    t->shorts[k] = '\0';
}

/* The option getopt_long stopped at, as the user wrote it, for messages. */
static void written_option(char **argv, char *out, size_t size)
{
    const char *arg = argv[optind - 1];
    if (strncmp(arg, "--", 2) == 0)
        snprintf(out, size, "%.*s", (int)strcspn(arg, "="), arg);
    else
        snprintf(out, size, "-%c", optopt);
}

static const char **value_target(cli *c, int id)
{
    switch (id) {
    case 'c':
        return &c->manifest;
    case 'b':
        return &c->backend;
    case 'u':
        return &c->server_url;
    case 'j':
        return &c->jobs;
    case OPTION_URL:
        return &c->load_url;
    case OPTION_TIMEOUT:
        return &c->timeout;
    case OPTION_FROM:
        return &c->from_url;
    case OPTION_AGAINST:
        return &c->against_url;
    case OPTION_AGAINST_DIR:
        return &c->against_dir;
    default:
        return NULL;
    }
}

static bool *flag_target(cli *c, int id)
{
    switch (id) {
    case 'q':
        return &c->quiet;
    case 'h':
        return &c->help;
    case OPTION_JSON:
        return &c->json;
    case OPTION_KEEP:
        return &c->keep;
    case OPTION_KEEP_ON_FAILURE:
        return &c->keep_on_failure;
    case OPTION_STRICT:
        return &c->strict;
    case OPTION_FORCE:
        return &c->force;
    case OPTION_DRY_RUN:
        return &c->dry_run;
    case OPTION_ALL:
        return &c->all;
    case OPTION_CHECK:
        return &c->check;
    case OPTION_NO_CACHE:
        return &c->no_cache;
    case OPTION_TEMPLATES:
        return &c->templates;
    default:
        return NULL;
    }
}

/* Records one option getopt_long returned. 0, 1 (the version was printed), or EXIT_USAGE. */
static int take_option(cli *c, int id, char **argv, cli_command_set *given)
{
    char name[128];
    if (id == '?' || id == ':') {
        written_option(argv, name, sizeof name);
        if (id == '?')
            usage_error(c, "unknown option %s", name);
        else
            usage_error(c, "option %s needs a value", name);
        return EXIT_USAGE;
    }
    if (id == OPTION_VERSION)
        return printf("foster %s\n", foster_version()), 1;
    if (id == 'v')
        c->verbose++;
    else if (value_target(c, id))
        *value_target(c, id) = optarg;
    else if (flag_target(c, id))
        *flag_target(c, id) = true;
    const cli_option_doc *o = cli_option_find(id);
    if (o && o->commands != COMMANDS_ALL)
        *given |= 1u << (o - cli_options); /* checked once the command is known */
    return 0;
}

/* Runs getopt_long over argv[0..argc); positional arguments go to c->args. */
static int parse_pass(int argc, char **argv, cli *c, bool stop_at_first_argument,
                      cli_command_set *given)
{
    option_table table;
    option_table_make(&table, stop_at_first_argument);
    optind = 0; /* glibc: start again, re-reading the '+' or '-' of shorts */
    opterr = 0;
    int id;
    while ((id = getopt_long(argc, argv, table.shorts, table.longs, NULL)) != -1) {
        if (id == 1) { /* '-' mode: an argument that is not an option, in order */
            c->args[c->arg_count++] = optarg;
            continue;
        }
        int rc = take_option(c, id, argv, given);
        if (rc)
            return rc;
    }
    return 0;
}

/* Every command-specific option given must be one `c->command` takes. */
static int check_options_fit(cli *c, cli_command_set given)
{
    for (size_t i = 0; i < cli_option_count; i++) {
        if (!(given & (1u << i)) || (cli_options[i].commands & (1u << c->command)))
            continue;
        char name[64];
        cli_option_spelling(&cli_options[i], name, sizeof name);
        usage_error(c, "%s is not an option of `foster %s`", name + strspn(name, " "),
                    c->command_name);
        return EXIT_USAGE;
    }
    if (c->keep && c->keep_on_failure) {
        usage_error(c, "--keep and --keep-on-failure exclude each other");
        return EXIT_USAGE;
    }
    if (c->jobs) {
        char *end;
        long jobs = strtol(c->jobs, &end, 10);
        if (*end || end == c->jobs || jobs < 1 || jobs > MAX_JOBS) {
            usage_error(c, "--jobs takes a number of workers from 1 to %d, not \"%s\"", MAX_JOBS,
                        c->jobs);
            return EXIT_USAGE;
        }
    }
    return 0;
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

int options_parse(int argc, char **argv, cli *c)
{
    c->command = COMMAND_NONE;
    c->args = calloc((size_t)argc + 1, sizeof *c->args);
    if (!c->args)
        return EXIT_USAGE;
    cli_command_set given = 0;
    /* Before the command: stop at it. */
    int rc = parse_pass(argc, argv, c, true, &given);
    if (rc || optind >= argc)
        return rc;
    int first = optind;
    c->command_name = argv[first];
    c->command = cli_command_find(c->command_name);
    if (c->command == COMMAND_NONE) {
        usage_error(c, "unknown command \"%s\"", c->command_name);
        return EXIT_USAGE;
    }
    /* The command's arguments: argv[first] stands in for argv[0]. */
    bool is_run = c->command == COMMAND_RUN;
    rc = parse_pass(argc - first, argv + first, c, is_run, &given);
    if (rc)
        return rc;
    for (int i = first + optind; i < argc; i++) /* after "--", or run's command line */
        c->args[c->arg_count++] = argv[i];
    rc = check_options_fit(c, given);
    if (rc == 0 && (!url_option_valid("-u", c->server_url, true) ||
                    !url_option_valid("--url", c->load_url, false)))
        rc = EXIT_USAGE;
    return rc;
}

void options_free(cli *c)
{
    free(c->args);
    c->args = NULL;
}

/*
 * usage.c — the one table of foster's commands and options: what `foster
 * --help`, `foster help CMD` and `foster CMD --help` print, what options.c
 * accepts for each command, and what `foster help --all` prints for the docs
 * to be checked against.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_kinds.h"
#include "cli.h"

#define ONLY(command) (1u << (command))

/* Commands that report, and so take --json. */
#define REPORTING                                                                                  \
    (ONLY(COMMAND_UP) | ONLY(COMMAND_DOWN) | ONLY(COMMAND_LOAD) | ONLY(COMMAND_RESET) |            \
     ONLY(COMMAND_CHECK) | ONLY(COMMAND_WAIT) | ONLY(COMMAND_GC) | ONLY(COMMAND_SNAPSHOT) |        \
     ONLY(COMMAND_DIFF) | ONLY(COMMAND_SCHEMA))

const cli_option_doc cli_options[] = {
    /* The command's own options. */
    {OPTION_KEEP, 0, "keep", NULL, "keep the database (remove it with foster down RUN_ID)",
     ONLY(COMMAND_RUN)},
    {OPTION_KEEP_ON_FAILURE, 0, "keep-on-failure", NULL, "keep the database only when CMD fails",
     ONLY(COMMAND_RUN)},
    {'j', 'j', "jobs", "N", "N more copies for parallel workers (DATABASE_URL_1..N)",
     ONLY(COMMAND_RUN) | ONLY(COMMAND_UP)},
    {OPTION_STRICT, 0, "strict", NULL,
     "down: exit 1 when there is nothing to tear down; diff: also owners, grants, comments",
     ONLY(COMMAND_DOWN) | ONLY(COMMAND_DIFF)},
    {OPTION_FROM, 0, "from", "URL", "the owner's database, read in a read-only transaction",
     ONLY(COMMAND_SNAPSHOT)},
    {OPTION_CHECK, 0, "check", NULL, "write nothing; exit 1 when a file would change",
     ONLY(COMMAND_SNAPSHOT)},
    {OPTION_AGAINST, 0, "against", "URL", "the owner's database, read in a read-only transaction",
     ONLY(COMMAND_DIFF)},
    {OPTION_AGAINST_DIR, 0, "against-dir", "DIR", "another snapshot's schemas folder",
     ONLY(COMMAND_DIFF)},
    {OPTION_URL, 0, "url", "URL", "the database (default $DATABASE_URL, else the last up)",
     ONLY(COMMAND_LOAD)},
    {OPTION_FORCE, 0, "force", NULL, "also into an unmarked database named *test*",
     ONLY(COMMAND_LOAD)},
    {OPTION_TIMEOUT, 0, "timeout", "S", "give up after S seconds (default 60)", ONLY(COMMAND_WAIT)},
    {OPTION_DRY_RUN, 0, "dry-run", NULL, "list what would be removed, remove nothing",
     ONLY(COMMAND_GC)},
    {OPTION_TEMPLATES, 0, "templates", NULL,
     "also remove every cached template (server, SQLite and cluster caches)", ONLY(COMMAND_GC)},
    {OPTION_ALL, 0, "all", NULL, "print the usage of every command", ONLY(COMMAND_HELP)},
    {OPTION_JSON, 0, "json", NULL, "one JSON object on stdout", REPORTING},
    /* Common options. */
    {'c', 'c', "config", "FILE", "manifest (default $FOSTER_CONFIG, else nearest foster.ini)",
     COMMANDS_ALL},
    {'b', 'b', "backend", "NAME", NULL /* the registry's kinds */, COMMANDS_ALL},
    {'u', 'u', NULL, "URL",
     "the server (a PostgreSQL or MySQL URL) of a backend on an existing server", COMMANDS_ALL},
    {'q', 'q', "quiet", NULL, "no progress lines", COMMANDS_ALL},
    {'v', 'v', "verbose", NULL, "more detail (every schema statement run)", COMMANDS_ALL},
    {OPTION_NO_CACHE, 0, "no-cache", NULL, "build the database, not from a cached template",
     COMMANDS_ALL},
    {'h', 'h', "help", NULL, "this usage (of the command, after one)", COMMANDS_ALL},
    {OPTION_VERSION, 0, "version", NULL, "print foster's version", COMMANDS_ALL},
};
const size_t cli_option_count = sizeof cli_options / sizeof cli_options[0];

static const char exit_status_other[] =
    "0 success; 1 problems found or the operation failed; 2 usage or manifest errors.\n";

const cli_command_doc cli_commands[COMMAND_COUNT] = {
    [COMMAND_RUN] = {"run", "[--keep | --keep-on-failure] [--jobs N] [--] CMD [ARGS...]",
                     "provision, run CMD with DATABASE_URL etc., tear down",
                     "Provisions a test database, runs CMD with DATABASE_URL, FOSTER_BACKEND,\n"
                     "FOSTER_RUN_ID (and FOSTER_SQLITE_PATH or PGHOST, PGPORT, PGDATABASE,\n"
                     "PGUSER) in its environment, and tears the database down however CMD ends.\n"
                     "Signals sent to foster are passed on to CMD. The first argument that is\n"
                     "not an option starts CMD; its own options are left to it.\n",
                     "CMD's status, 128+N when signal N ended it; 125 when foster itself\n"
                     "failed; 126 when CMD could not be executed, 127 when it was not found.\n"},
    [COMMAND_UP] = {"up", "[--jobs N] [--json]",
                    "provision and print the environment as export lines",
                    "Provisions a test database that stays until `foster down`, and prints its\n"
                    "environment as export lines: eval \"$(foster up)\". With --json, one\n"
                    "object of the variables instead.\n",
                    exit_status_other},
    [COMMAND_DOWN] = {"down", "[--strict] [--json] [RUN_ID]",
                      "tear down what `up` made (default: the last one)",
                      "Tears down the database of RUN_ID, else of the last `up` from this\n"
                      "manifest. When stdout is not a terminal it prints an unset line for\n"
                      "every variable `up` exported: eval \"$(foster down)\" cleans the shell.\n"
                      "Nothing to tear down is not an error unless --strict is given.\n",
                      "0 torn down, or nothing to tear down; 1 teardown failed (or, with\n"
                      "--strict, nothing to tear down); 2 usage errors.\n"},
    [COMMAND_LOAD] = {"load", "[--url URL] [--force] [--json] FILE...",
                      "load fixtures into an existing test database",
                      "Loads fixture files (.csv, .json, .sql) into a test database, in one\n"
                      "transaction, in the tables' order: --url, else $DATABASE_URL, else the\n"
                      "last `up` from this manifest. Only a database foster made, unless\n"
                      "--force and its name contains \"test\".\n",
                      exit_status_other},
    [COMMAND_RESET] = {"reset", "[--json]",
                       "return the run's database to its just-provisioned state",
                       "Returns the test database of $FOSTER_RUN_ID (else of the last `up` from\n"
                       "this manifest) to its just-provisioned state: tables, fixtures,\n"
                       "sequences.\n",
                       exit_status_other},
    [COMMAND_CHECK] = {"check", "[--json]", "validate manifest, schema files and fixtures",
                       "Validates the manifest, the schema files and the fixtures without\n"
                       "touching any server, and lists every problem found.\n",
                       exit_status_other},
    [COMMAND_WAIT] = {"wait", "[--timeout S] [--json] URL",
                      "wait until a PostgreSQL server accepts connections",
                      "Waits until the PostgreSQL server URL names accepts connections, with\n"
                      "backoff. Stops at once when waiting cannot help (bad password, no such\n"
                      "database).\n",
                      "0 ready; 1 not ready in time, or never will be; 2 usage errors.\n"},
    [COMMAND_GC] = {"gc", "[--dry-run] [--templates] [--json]",
                    "remove what runs whose foster process died left behind",
                    "Removes the test databases, clusters, containers and files of runs whose\n"
                    "foster process died. Runs kept by `up` or --keep are left for `down`.\n"
                    "With --templates, also every cached template: the postgres server's\n"
                    "foster_tpl_* databases, the SQLite cache and the cluster's data\n"
                    "directories (what lacks foster's marker, or is in use, is left).\n",
                    exit_status_other},
    [COMMAND_SNAPSHOT] =
        {"snapshot", "--from URL [--check] [--json] [TABLE...]",
         "write the schema files from the owner's live database",
         "Writes the schema file of each table of the manifest (or of each TABLE\n"
         "named) from the owner's database at URL, under a header saying foster\n"
         "wrote it and from what. PostgreSQL: as `pg_dump --schema-only -t TABLE`\n"
         "prints it, or, without pg_dump in PATH, the same DDL from the catalogs;\n"
         "enum types and domains go into the file of the first table using them.\n"
         "MySQL/MariaDB: as `mariadb-dump --no-data` (else mysqldump) prints it,\n"
         "without the AUTO_INCREMENT=N table option, or, without either, SHOW CREATE\n"
         "TABLE. It never writes to the owner's database: everything is read in a\n"
         "read-only transaction (pg_dump's session is read-only too; mariadb-dump\n"
         "runs --single-transaction, without locks). Only the files whose contents\n"
         "change are written; a file foster did not write (nor a dump tool) is\n"
         "never overwritten. --check writes nothing.\n",
         "0 written or unchanged; 1 with --check, a file would change; 2 usage or\n"
         "manifest errors, or a file foster will not overwrite; 125 the owner's\n"
         "database could not be read, or a file written.\n"},
    [COMMAND_DIFF] =
        {"diff", "--against URL | --against-dir DIR [--strict] [--json]",
         "compare the schema files with the owner's live database",
         "Compares the manifest's schema files, as foster reads them, with the owner's\n"
         "database at URL (its DDL as snapshot reads it, read-only, read by the same\n"
         "reader: PostgreSQL or MySQL/MariaDB) or with the files of another snapshot\n"
         "in DIR, table by table:\n"
         "missing or extra tables and columns, column types, nullability and\n"
         "defaults, primary, unique and foreign keys, checks, indexes, enum values\n"
         "and domains; checks and defaults compared as expressions (the server's\n"
         "(x > (0)::numeric) is x > 0). Ownership, grants and comments count only\n"
         "with --strict.\n"
         "Prints each difference like a unified diff (- our files, + the owner),\n"
         "naming the table, the object and our file:line; --json for tools.\n",
         "0 no drift; 1 drift found; 2 usage or manifest errors; 125 the owner's\n"
         "database or a schema file could not be read.\n"},
    [COMMAND_SCHEMA] = {"schema", "[--json] [TABLE...]",
                        "print the tables as foster reads their schema files",
                        "Prints each table of the manifest (or each TABLE named) as foster reads\n"
                        "its schema file: columns with their type, type family, length,\n"
                        "precision, nullability and default, keys, checks and indexes, each\n"
                        "with its file:line. --json for tools (foster_check_models uses it).\n",
                        "0 printed; 2 usage or manifest errors; 125 a schema file could not be\n"
                        "read.\n"},
    [COMMAND_HELP] = {"help", "[--all] [COMMAND]", "print the usage of foster or of COMMAND",
                      "Prints the usage of COMMAND, else foster's; --all prints every command's.\n",
                      "0; 2 when COMMAND is not one of foster's.\n"},
};

cli_command cli_command_find(const char *name)
{
    for (int i = 0; i < COMMAND_COUNT; i++)
        if (strcmp(cli_commands[i].name, name) == 0)
            return (cli_command)i;
    return COMMAND_NONE;
}

const cli_option_doc *cli_option_find(int id)
{
    for (size_t i = 0; i < cli_option_count; i++)
        if (cli_options[i].id == id)
            return &cli_options[i];
    return NULL;
}

void cli_option_spelling(const cli_option_doc *option, char *out, size_t size)
{
    if (option->short_name && option->name)
        snprintf(out, size, "-%c, --%s", option->short_name, option->name);
    else if (option->short_name)
        snprintf(out, size, "-%c", option->short_name);
    else
        snprintf(out, size, "    --%s", option->name);
}

/* "  left     right", right on a line of its own when left is too long. */
static void print_two_columns(FILE *out, const char *left, const char *right)
{
    if (strlen(left) > 22)
        fprintf(out, "  %s\n  %-22s %s\n", left, "", right);
    else
        fprintf(out, "  %-22s %s\n", left, right);
}

/* One option as "  -c, --config FILE        help". */
static void print_option(FILE *out, const cli_option_doc *option)
{
    char spelling[64], left[80];
    cli_option_spelling(option, spelling, sizeof spelling);
    snprintf(left, sizeof left, "%s%s%s", spelling, option->value ? " " : "",
             option->value ? option->value : "");
    char *kinds = option->help ? NULL : backend_kind_names(", ", " or ");
    print_two_columns(out, left, option->help ? option->help : kinds ? kinds : "");
    free(kinds);
}

static void print_options(FILE *out, cli_command_set commands, bool common)
{
    for (size_t i = 0; i < cli_option_count; i++) {
        bool is_common = cli_options[i].commands == COMMANDS_ALL;
        if (is_common == common && (cli_options[i].commands & commands))
            print_option(out, &cli_options[i]);
    }
}

void usage_print_global(FILE *out)
{
    fputs("usage: foster [OPTIONS] COMMAND [ARGS]\n"
          "\n"
          "Gives a test suite the tables it reads but does not own.\n"
          "\n"
          "commands:\n",
          out);
    for (int i = 0; i < COMMAND_COUNT; i++) {
        char left[128];
        snprintf(left, sizeof left, "%s %s", cli_commands[i].name, cli_commands[i].synopsis);
        print_two_columns(out, left, cli_commands[i].summary);
    }
    fputs("\ncommon options (before or after the command; -- ends them):\n", out);
    print_options(out, COMMANDS_ALL, true);
    fputs("\n`foster help COMMAND` or `foster COMMAND --help` shows a command's own options.\n"
          "\n"
          "exit status: run exits with CMD's status (128+N if signal N ended it), 125 when\n"
          "foster itself failed, 126/127 when CMD could not be run / was not found; other\n"
          "commands: 0 success, 1 problems found, 2 usage or manifest errors.\n",
          out);
}

void usage_print_command(FILE *out, cli_command command)
{
    const cli_command_doc *doc = &cli_commands[command];
    fprintf(out, "usage: foster %s %s\n\n%s", doc->name, doc->synopsis, doc->description);
    fputs("\noptions:\n", out);
    print_options(out, 1u << command, false);
    fputs("\ncommon options (before or after the command; -- ends them):\n", out);
    print_options(out, 1u << command, true);
    fprintf(out, "\nexit status: %s", doc->exit_status);
}

void usage_print_all(FILE *out)
{
    usage_print_global(out);
    for (int i = 0; i < COMMAND_COUNT; i++) {
        fputc('\n', out);
        usage_print_command(out, (cli_command)i);
    }
}

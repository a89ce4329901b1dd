/*
 * output.c — how the foster command prints: errors as "foster: error: ..."
 * with a "hint: ..." line, problems as text or JSON objects, JSON strings,
 * and shell-quoted values.
 */
#include <stdarg.h>
#include <stdio.h>

#include "cli.h"
#include "strbuf.h"

static void vprint_error(const char *fmt, va_list args)
{
    fputs("foster: error: ", stderr);
    vfprintf(stderr, fmt, args);
    fputc('\n', stderr);
}

void print_error(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    vprint_error(fmt, args);
    va_end(args);
}

void usage_error(const cli *c, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    vprint_error(fmt, args);
    va_end(args);
    if (c->command != COMMAND_NONE)
        fprintf(stderr, "hint: see foster help %s\n", cli_commands[c->command].name);
    else
        fputs("hint: see foster --help\n", stderr);
}

void print_problems(const foster_session *session, const char *severity)
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

void print_json_string(FILE *out, const char *value)
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

void print_json_string_or_null(FILE *out, const char *value)
{
    if (value)
        print_json_string(out, value);
    else
        fputs("null", out);
}

static void print_json_number_or_null(FILE *out, int value)
{
    if (value > 0)
        fprintf(out, "%d", value);
    else
        fputs("null", out);
}

/* One problem object: every key always there, null when unknown. */
static void print_problem_json(const char *file, int line, int column, const char *message,
                               const char *hint)
{
    fputs("{\"file\": ", stdout);
    print_json_string_or_null(stdout, file);
    fputs(", \"line\": ", stdout);
    print_json_number_or_null(stdout, line);
    fputs(", \"column\": ", stdout);
    print_json_number_or_null(stdout, column);
    fputs(", \"message\": ", stdout);
    print_json_string(stdout, message);
    fputs(", \"hint\": ", stdout);
    print_json_string_or_null(stdout, hint);
    fputc('}', stdout);
}

void print_problem_array(const foster_session *session)
{
    fputc('[', stdout);
    size_t count = foster_problem_count(session);
    for (size_t i = 0; i < count; i++) {
        const char *file;
        int line, column;
        foster_problem_location(session, i, &file, &line, &column);
        fputs(i ? ", " : "", stdout);
        print_problem_json(file, line, column, foster_problem_message(session, i),
                           foster_problem_hint(session, i));
    }
    if (!count && !session)
        print_problem_json(NULL, 0, 0, "out of memory", NULL);
    fputc(']', stdout);
}

void print_problems_json(const foster_session *session)
{
    fputs("{\"problems\": ", stdout);
    print_problem_array(session);
    fputs("}\n", stdout);
}

void print_message_json(const char *message, const char *hint)
{
    fputs("{\"problems\": [", stdout);
    print_problem_json(NULL, 0, 0, message, hint);
    fputs("]}\n", stdout);
}

void print_shell_quoted(FILE *out, const char *value)
{
    strbuf quoted = STRBUF_INIT;
    strbuf_append_shell_quoted(&quoted, value);
    fputs(quoted.failed ? "''" : strbuf_str(&quoted), out);
    strbuf_free(&quoted);
}

/*
 * progress.c — what foster tells on stderr while it works: one line a step
 * ("foster: created 5 tables ..."), and, on a terminal, a live line for a
 * fixture file that loads for more than a second — rows, rows a second and
 * how much of the file is read — redrawn in place and replaced by the step's
 * line when the file is loaded. Nothing live when stderr is not a terminal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"
#include "strbuf.h"

/* A file loading for less than this shows no live line. */
#define LIVE_AFTER_SECONDS 1.0

/* Whether live lines are drawn, and one is on the terminal now (the CLI is one thread). */
static bool live_lines, live_line_shown;

static void clear_live_line(void)
{
    if (live_line_shown)
        fputs("\r\033[K", stderr);
    live_line_shown = false;
}

void progress_print_line(void *context, const char *line)
{
    (void)context;
    clear_live_line();
    fprintf(stderr, "foster: %s\n", line);
}

/* Columns of the terminal on stderr; 80 when it does not say. */
static size_t terminal_width(void)
{
    struct winsize size;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
        return size.ws_col;
    return 80;
}

void progress_show_load(void *context, const foster_load_status *status)
{
    (void)context;
    if (!live_lines)
        return;
    if (status->done || status->seconds < LIVE_AFTER_SECONDS) {
        clear_live_line();
        return;
    }
    char line[512];
    int n = snprintf(line, sizeof line, "foster: loading %s: %lld %s, %.0f %s/s",
                     status->table ? status->table : status->file, status->rows,
                     str_plural(status->rows, "row", "rows"), status->rows / status->seconds,
                     status->table ? "rows" : "statements");
    if (status->bytes_total > 0 && n > 0 && (size_t)n < sizeof line)
        snprintf(line + n, sizeof line - (size_t)n, ", %d%% of %s",
                 (int)(100 * status->bytes_read / status->bytes_total), status->file);
    /* One row of the terminal, or the next redraw would not cover it. */
    size_t width = terminal_width() - 1;
    if (strlen(line) > width)
        line[width] = '\0';
    fprintf(stderr, "\r\033[K%s", line);
    fflush(stderr);
    live_line_shown = true;
}

void progress_setup(const cli *c, foster_options *options)
{
    if (c->quiet)
        return;
    options->progress = progress_print_line;
    const char *term = getenv("TERM");
    live_lines = isatty(STDERR_FILENO) && !(term && strcmp(term, "dumb") == 0);
    if (live_lines)
        options->load_progress = progress_show_load;
}

/*
 * session_problems.c — what went wrong in a session: the problems the last
 * call collected (each with its file, line, column and hint), the message made
 * from the first one, and their accessors in foster.h.
 */
#include "foster.h"

#include <stdlib.h>

#include "diag.h"
#include "session.h"
#include "strbuf.h"

static void forget_problem_lines(foster_session *s)
{
    for (size_t i = 0; s->problem_lines && i < s->problems.count; i++)
        free(s->problem_lines[i]);
    free(s->problem_lines);
    s->problem_lines = NULL;
}

void session_clear_error(foster_session *s)
{
    forget_problem_lines(s);
    diag_list_clear(&s->problems);
    free(s->errmsg);
    s->errmsg = NULL;
}

/* Turns the collected problems into the result; the first one is the message. */
foster_result session_fail(foster_session *s, foster_result result)
{
    forget_problem_lines(s);
    free(s->errmsg);
    s->errmsg = NULL;
    if (!s->problems.count)
        diag_set_kind(diag_add(&s->problems, NULL, 0, 0, "%s",
                               result == FOSTER_ERROR_NOMEM ? "out of memory" : "failed"),
                      result == FOSTER_ERROR_NOMEM ? DIAG_OUT_OF_MEMORY : DIAG_ERROR);
    const diag *first = &s->problems.items[0];
    char *text = diag_format(first);
    if (text && first->hint) {
        s->errmsg = strbuf_format("%s\nhint: %s", text, first->hint);
        free(text);
    } else {
        s->errmsg = text;
    }
    return result;
}

const char *foster_errmsg(const foster_session *s)
{
    if (!s)
        return "out of memory";
    return s->errmsg ? s->errmsg : "no error";
}

size_t foster_problem_count(const foster_session *s)
{
    return s ? s->problems.count : 0;
}

const char *foster_problem(const foster_session *s, size_t index)
{
    foster_session *mutable = (foster_session *)s; /* the cache is not part of the state */
    if (!mutable->problem_lines) {
        mutable->problem_lines = calloc(s->problems.count ? s->problems.count : 1, sizeof(char *));
        if (!mutable->problem_lines)
            return s->problems.items[index].message;
    }
    if (!mutable->problem_lines[index])
        mutable->problem_lines[index] = diag_format(&s->problems.items[index]);
    return mutable->problem_lines[index] ? mutable->problem_lines[index]
                                         : s->problems.items[index].message;
}

const char *foster_problem_hint(const foster_session *s, size_t index)
{
    return s->problems.items[index].hint;
}

const char *foster_problem_message(const foster_session *s, size_t index)
{
    return s->problems.items[index].message;
}

void foster_problem_location(const foster_session *s, size_t index, const char **file, int *line,
                             int *column)
{
    const diag *d = &s->problems.items[index];
    *file = d->file;
    *line = d->line;
    *column = d->column;
}

void session_report_notes(foster_session *s)
{
    session_report_notes_of(s, &s->schemas.notes);
}

void session_report_notes_of(foster_session *s, const translate_notes *notes)
{
    for (int verbose = 0; verbose < 2; verbose++) {
        const diag_list *list = verbose ? &notes->details : &notes->notes;
        for (size_t i = 0; (!verbose || s->options.verbose) && i < list->count; i++) {
            char *line = diag_format(&list->items[i]);
            if (line)
                session_progress(s, "note: %s", line);
            free(line);
        }
    }
}

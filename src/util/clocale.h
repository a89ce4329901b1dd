/*
 * clocale.h — the C locale for a stretch of code, whatever locale the
 * program that links libfoster chose with setlocale: numbers written for
 * other processes to read (a run record's "started=1764867012.123456"), read
 * back the same way ("1.5" in FOSTER_BUSY_TIMEOUT), and libpq's messages,
 * which foster reads in English. Per thread (uselocale): other threads keep
 * theirs.
 */
#ifndef FOSTER_CLOCALE_H
#define FOSTER_CLOCALE_H

#include <locale.h>

typedef struct c_locale_scope {
    locale_t c;        /* (locale_t)0 when it could not be made: the thread's locale stays */
    locale_t previous; /* the thread's locale before, given back by c_locale_end */
} c_locale_scope;

/* Puts this thread in the C locale until c_locale_end. */
c_locale_scope c_locale_begin(void);
void c_locale_end(c_locale_scope scope);

/* strtod as the C locale reads numbers: "1.5" is one and a half in every locale. */
double c_strtod(const char *text, char **end);

#endif

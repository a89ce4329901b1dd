/*
 * german_locale.h — a test process in a German locale: de_DE.UTF-8 built
 * with localedef under a private LOCPATH (Debian ships no compiled locale
 * but C), then set with setlocale(LC_ALL). For the tests of what foster
 * does inside a program that chose a locale whose decimal point is a comma
 * and whose libraries speak German.
 */
#ifndef FOSTER_TEST_GERMAN_LOCALE_H
#define FOSTER_TEST_GERMAN_LOCALE_H

#include <stdbool.h>
#include <stddef.h>

/* 0 with the process in de_DE.UTF-8; -1 with the reason in `problem`. */
int german_locale(char *problem, size_t size);

/*
 * Whether `probe` (german_locale, or more) succeeds, tried in a throwaway
 * child since it changes the locale; when not, the child prints its reason.
 */
bool german_locale_probe(int (*probe)(char *problem, size_t size));

#endif

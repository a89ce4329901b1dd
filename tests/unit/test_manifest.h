/*
 * test_manifest.h — what the test_manifest*.c files share: manifests parsed with a fake
 * environment, the assert on a problem reported, the test data folder, and one TCase per
 * group of cases (test_manifest.c holds the helpers and main()).
 */
#ifndef FOSTER_TEST_MANIFEST_H
#define FOSTER_TEST_MANIFEST_H

#include <check.h>
#include <stddef.h>

#include "manifest.h"

/* A fake environment: `context` is a NULL-terminated list of "NAME=value". */
const char *fake_getenv(const char *name, void *context);

extern const char *const empty_environment[];

/* Parses `text` as the manifest at `path` with an empty environment. */
int parse_as(const char *text, const char *path, manifest *m, diag_list *diags);

/* Parses `text` as "conf/foster.ini" with an empty environment. */
int parse(const char *text, manifest *m, diag_list *diags);

/* Problem `index` of `diags` is at `file`:`line` and says `message`. */
void assert_diag(const diag_list *diags, size_t index, const char *file, int line,
                 const char *message);

/* $FOSTER_TEST_DATA/manifest/RELATIVE; the caller frees. */
char *data_path(const char *relative);

/* The groups of cases, in the order main() runs them. */
TCase *manifest_parse_tcase(void);  /* test_manifest_parse.c */
TCase *manifest_errors_tcase(void); /* test_manifest_errors.c */
TCase *manifest_expand_tcase(void); /* test_manifest_expand.c */
TCase *manifest_files_tcase(void);  /* test_manifest_files.c */

#endif

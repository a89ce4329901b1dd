/*
 * test_data.h — where the unit tests find their input files: below
 * tests/data, which meson names in FOSTER_TEST_DATA.
 */
#ifndef FOSTER_TEST_DATA_H
#define FOSTER_TEST_DATA_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* $FOSTER_TEST_DATA/FOLDER/NAME, or $FOSTER_TEST_DATA/NAME when FOLDER is ""; the caller frees. */
static inline char *test_data_path(const char *folder, const char *name)
{
    const char *root = getenv("FOSTER_TEST_DATA");
    ck_assert_msg(root != NULL, "FOSTER_TEST_DATA is not set");
    size_t length = strlen(root) + strlen(folder) + strlen(name) + 3;
    char *path = malloc(length);
    ck_assert_ptr_nonnull(path);
    snprintf(path, length, "%s/%s%s%s", root, folder, *folder ? "/" : "", name);
    return path;
}

#endif

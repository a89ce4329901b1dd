/*
 * test_manifest.c — specification of the manifest reader (src/manifest/manifest.h): the
 * shared helpers and main(). The cases are in test_manifest_parse.c, _errors.c, _expand.c
 * and _files.c.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "test_data.h"
#include "test_manifest.h"

const char *fake_getenv(const char *name, void *context)
{
    for (const char *const *entry = context; *entry; entry++) {
        size_t length = strlen(name);
        if (strncmp(*entry, name, length) == 0 && (*entry)[length] == '=')
            return *entry + length + 1;
    }
    return NULL;
}

const char *const empty_environment[] = {NULL};

int parse_as(const char *text, const char *path, manifest *m, diag_list *diags)
{
    return manifest_parse(text, path, fake_getenv, (void *)empty_environment, m, diags);
}

int parse(const char *text, manifest *m, diag_list *diags)
{
    return parse_as(text, "conf/foster.ini", m, diags);
}

void assert_diag(const diag_list *diags, size_t index, const char *file, int line,
                 const char *message)
{
    ck_assert_msg(index < diags->count, "expected a diag #%zu, have %zu", index, diags->count);
    const diag *d = &diags->items[index];
    ck_assert_str_eq(d->message, message);
    ck_assert_int_eq(d->line, line);
    ck_assert_str_eq(d->file, file);
}

char *data_path(const char *relative)
{
    return test_data_path("manifest", relative);
}

static Suite *manifest_suite(void)
{
    Suite *suite = suite_create("manifest");
    suite_add_tcase(suite, manifest_parse_tcase());
    suite_add_tcase(suite, manifest_errors_tcase());
    suite_add_tcase(suite, manifest_expand_tcase());
    suite_add_tcase(suite, manifest_files_tcase());
    return suite;
}

int main(void)
{
    SRunner *runner = srunner_create(manifest_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

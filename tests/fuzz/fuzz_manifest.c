/*
 * fuzz_manifest.c — libFuzzer target for the manifest parser: any bytes, as
 * foster.ini text, through manifest_parse with an empty environment (every
 * ${VAR} unset). Whatever the result, everything must be freed.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *unset_getenv(const char *name, void *context)
{
    (void)name;
    (void)context;
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';

    manifest parsed = {0};
    diag_list diags = DIAG_LIST_INIT;
    int result = manifest_parse(text, "fuzz/foster.ini", unset_getenv, NULL, &parsed, &diags);
    if (result == 0 && diags.count > 0)
        abort(); /* success adds no error */
    if (result != 0 && diags.count == 0)
        abort(); /* failure always says why */
    for (size_t i = 0; i < parsed.table_count; i++)
        if (manifest_find_table(&parsed, parsed.tables[i].name) == NULL)
            abort();
    manifest_free(&parsed);
    diag_list_clear(&diags);
    free(text);
    return 0;
}

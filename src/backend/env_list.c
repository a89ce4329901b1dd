/*
 * env_list.c — the NAME=VALUE pairs a backend gives the command under test
 * (backend.h: env_var).
 */
#include <stdlib.h>
#include <string.h>

#include "backend.h"

int env_list_add(env_var **vars, size_t *count, const char *name, const char *value)
{
    env_var *grown = realloc(*vars, (*count + 1) * sizeof *grown);
    if (!grown)
        return -1;
    *vars = grown;
    char *name_copy = strdup(name);
    char *value_copy = strdup(value);
    if (!name_copy || !value_copy) {
        free(name_copy);
        free(value_copy);
        return -1;
    }
    grown[(*count)++] = (env_var){name_copy, value_copy};
    return 0;
}

void env_list_free(env_var *vars, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        free(vars[i].name);
        free(vars[i].value);
    }
    free(vars);
}

/*
 * manifest_search.c — where the manifest is when nobody said: foster.ini in the
 * working directory or the nearest of its parents, as git and pytest find
 * their roots, so that foster (and Django's manage.py, which calls it) works
 * from any folder of a project.
 */
#include "foster.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "session.h"
#include "strbuf.h"

#define MANIFEST_NAME "foster.ini"

/* "../" `levels` times, then foster.ini. */
static char *relative_manifest(int levels)
{
    strbuf path = STRBUF_INIT;
    for (int i = 0; i < levels; i++)
        strbuf_append_str(&path, "../");
    strbuf_append_str(&path, MANIFEST_NAME);
    return strbuf_detach(&path);
}

/* Cuts the last component off the absolute path `dir`; false at "/". */
static bool parent_directory(char *dir)
{
    if (strcmp(dir, "/") == 0)
        return false;
    char *slash = strrchr(dir, '/');
    if (slash == dir)
        slash[1] = '\0';
    else
        *slash = '\0';
    return true;
}

static bool has_manifest(const char *dir)
{
    char *path = strbuf_format("%s%s" MANIFEST_NAME, dir, strcmp(dir, "/") == 0 ? "" : "/");
    bool found = path && access(path, F_OK) == 0;
    free(path);
    return found;
}

char *foster_find_manifest(void)
{
    char *dir = getcwd(NULL, 0);
    if (!dir)
        return access(MANIFEST_NAME, F_OK) == 0 ? strdup(MANIFEST_NAME) : NULL;
    char *found = NULL;
    int levels = 0;
    do {
        if (has_manifest(dir)) {
            found = relative_manifest(levels);
            break;
        }
        levels++;
    } while (parent_directory(dir));
    free(dir);
    return found;
}

void session_manifest_not_found(diag_list *problems)
{
    char *dir = getcwd(NULL, 0);
    strbuf places = STRBUF_INIT;
    if (dir) {
        strbuf_append_str(&places, dir);
        while (parent_directory(dir))
            strbuf_appendf(&places, ", %s", dir);
    }
    diag *d = diag_add(problems, NULL, 0, 0, "no " MANIFEST_NAME " found; looked in %s",
                       dir ? strbuf_str(&places) : "the working directory");
    diag_set_hint(d, "run foster in the project's folder (or below it), give the manifest "
                     "with -c FILE, or set FOSTER_CONFIG to its path");
    strbuf_free(&places);
    free(dir);
}

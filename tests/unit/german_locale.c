/*
 * german_locale.c — a test process in a German locale (german_locale.h).
 */
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "german_locale.h"
#include "scratch.h"

int german_locale(char *problem, size_t size)
{
    char *dir = scratch_make("foster-locale-");
    if (!dir) {
        snprintf(problem, size, "cannot make a directory under /tmp");
        return -1;
    }
    char command[256];
    snprintf(command, sizeof command, "localedef -i de_DE -f UTF-8 %s/de_DE.UTF-8 >/dev/null 2>&1",
             dir);
    int built = system(command);
    setenv("LOCPATH", dir, 1);
    bool set = built == 0 && setlocale(LC_ALL, "de_DE.UTF-8");
    int removed = scratch_remove(dir); /* the locale is loaded by now */
    free(dir);
    if (removed != 0 || !set) {
        snprintf(problem, size,
                 "cannot build the de_DE.UTF-8 locale with localedef (Debian's locales package)");
        return -1;
    }
    return 0;
}

bool german_locale_probe(int (*probe)(char *problem, size_t size))
{
    pid_t child = fork();
    if (child == 0) {
        char problem[256];
        int rc = probe(problem, sizeof problem);
        if (rc != 0)
            printf("%s\n", problem);
        fflush(stdout);
        _exit(rc == 0 ? 0 : 1);
    }
    int status = 0;
    return child > 0 && waitpid(child, &status, 0) == child && WIFEXITED(status) &&
           WEXITSTATUS(status) == 0;
}

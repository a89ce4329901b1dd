/*
 * lazylib.c — opening a client library at its first use. See lazylib.h.
 */
#include "lazylib.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void give_up(const char *soname, const char *package, const char *what)
{
    fprintf(stderr, "foster: error: cannot load %s: %s\nhint: install Debian's %s\n", soname,
            what ? what : "unknown error", package);
    exit(125);
}

void lazylib_load(const char *soname, const char *package, const char *const *names, void *slots,
                  size_t count)
{
    void *handle = dlopen(soname, RTLD_NOW | RTLD_GLOBAL);
    if (!handle)
        give_up(soname, package, dlerror());
    for (size_t i = 0; i < count; i++) {
        void *address = dlsym(handle, names[i]);
        if (!address) {
            char what[256];
            snprintf(what, sizeof what, "it has no function %s (too old?)", names[i]);
            give_up(soname, package, what);
        }
        memcpy((char *)slots + i * sizeof address, &address, sizeof address);
    }
}

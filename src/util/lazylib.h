/*
 * lazylib.h — a client library opened when it is first needed, not when the
 * program starts (backend/postgres/pqapi.h and backend/mysql/myapi.h say why).
 */
#ifndef FOSTER_LAZYLIB_H
#define FOSTER_LAZYLIB_H

#include <pthread.h>
#include <stddef.h>

/*
 * Opens `soname` and stores the address of each of the `count` functions in
 * `names` into slots[i] (function pointers, written through memcpy). When the
 * library or a function is missing, prints what is missing and which Debian
 * package provides it, and ends the process with 125 (docs/exit-codes.md):
 * no caller could go on without it, as when the program could not start.
 */
void lazylib_load(const char *soname, const char *package, const char *const *names, void *slots,
                  size_t count);

/*
 * Defines `const TYPE *GETTER(void)`: the table TYPE (one function pointer per
 * name of the X-macro LIST, in its order) filled by lazylib_load at the first
 * call, once, whatever the threads (pthread_once).
 */
#define LAZYLIB_NAME(name) #name,
#define LAZYLIB_DEFINE(GETTER, TYPE, LIST, SONAME, PACKAGE)                                        \
    static TYPE GETTER##_table;                                                                    \
    static void GETTER##_load(void)                                                                \
    {                                                                                              \
        static const char *const names[] = {LIST(LAZYLIB_NAME)};                                   \
        _Static_assert(sizeof GETTER##_table == sizeof names / sizeof names[0] * sizeof(void *),   \
                       #TYPE " holds one pointer per function");                                   \
        lazylib_load(SONAME, PACKAGE, names, &GETTER##_table, sizeof names / sizeof names[0]);     \
    }                                                                                              \
    const TYPE *GETTER(void)                                                                       \
    {                                                                                              \
        static pthread_once_t once = PTHREAD_ONCE_INIT;                                            \
        pthread_once(&once, GETTER##_load);                                                        \
        return &GETTER##_table;                                                                    \
    }

#endif

/*
 * lazylib.h — a client library opened when it is first needed, not when the
 * program starts (backend/postgres/pqapi.h and backend/mysql/myapi.h say why).
 */
#ifndef FOSTER_LAZYLIB_H
#define FOSTER_LAZYLIB_H

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

#endif

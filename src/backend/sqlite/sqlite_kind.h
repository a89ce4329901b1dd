/*
 * sqlite_kind.h — the `sqlite` backend kind (backend_kind.h): a database
 * file in the runtime directory, or in memory. Listed in the registry.
 */
#ifndef FOSTER_SQLITE_KIND_H
#define FOSTER_SQLITE_KIND_H

#include "backend_kind.h"

extern const backend_kind sqlite_kind;

#endif

/*
 * pqapi.c — fills libpq's table at the first call. See pqapi.h.
 */
#define FOSTER_PQAPI_NO_MACROS
#include "pqapi.h"

#include "lazylib.h"

LAZYLIB_DEFINE(foster_pq, foster_pq_api, FOSTER_PQ_FUNCTIONS, "libpq.so.5", "libpq5")

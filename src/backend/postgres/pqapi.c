/*
 * pqapi.c — fills libpq's table at the first call. See pqapi.h.
 */
#define FOSTER_PQAPI_NO_MACROS
#include "pqapi.h"

#include <pthread.h>

#include "lazylib.h"

static foster_pq_api api;

/* Each member is one function pointer, in the order of the list (lazylib_load fills slots). */
_Static_assert(sizeof api == sizeof(void *) * (0
#define FOSTER_COUNT(name) +1
                                               FOSTER_PQ_FUNCTIONS(FOSTER_COUNT)
#undef FOSTER_COUNT
                                                   ),
               "foster_pq_api holds one pointer per function");

static void load(void)
{
    static const char *const names[] = {
#define FOSTER_NAME(name) #name,
        FOSTER_PQ_FUNCTIONS(FOSTER_NAME)
#undef FOSTER_NAME
    };
    lazylib_load("libpq.so.5", "libpq5", names, &api, sizeof names / sizeof names[0]);
}

const foster_pq_api *foster_pq(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, load);
    return &api;
}

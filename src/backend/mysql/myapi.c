/*
 * myapi.c — fills libmariadb's table at the first call. See myapi.h.
 */
#define FOSTER_MYAPI_NO_MACROS
#include "myapi.h"

#include <pthread.h>

#include "lazylib.h"

static foster_my_api api;

/* Each member is one function pointer, in the order of the list (lazylib_load fills slots). */
_Static_assert(sizeof api == sizeof(void *) * (0
#define FOSTER_COUNT(name) +1
                                               FOSTER_MY_FUNCTIONS(FOSTER_COUNT)
#undef FOSTER_COUNT
                                                   ),
               "foster_my_api holds one pointer per function");

static void load(void)
{
    static const char *const names[] = {
#define FOSTER_NAME(name) #name,
        FOSTER_MY_FUNCTIONS(FOSTER_NAME)
#undef FOSTER_NAME
    };
    lazylib_load("libmariadb.so.3", "libmariadb3", names, &api, sizeof names / sizeof names[0]);
}

const foster_my_api *foster_my(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, load);
    return &api;
}

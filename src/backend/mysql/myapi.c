/*
 * myapi.c — fills libmariadb's table at the first call. See myapi.h.
 */
#define FOSTER_MYAPI_NO_MACROS
#include "myapi.h"

#include "lazylib.h"

LAZYLIB_DEFINE(foster_my, foster_my_api, FOSTER_MY_FUNCTIONS, "libmariadb.so.3", "libmariadb3")

/*
 * backend_kind.c — what every kind shares: the gc line helper.
 */
#include "backend_kind.h"

#include <stdarg.h>
#include <stdlib.h>

#include "strbuf.h"

void backend_gc_say(backend_gc *gc, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    char *line = strbuf_vformat(fmt, args);
    va_end(args);
    if (line && gc->say)
        gc->say(gc, line);
    free(line);
}

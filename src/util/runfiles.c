/*
 * runfiles.c — the name of a run's record. See runfiles.h.
 */
#include "runfiles.h"

#include "strbuf.h"

char *runfiles_record(const char *directory, const char *run_id, const char *suffix)
{
    return strbuf_format("%s/%s.run%s", directory, run_id, suffix);
}

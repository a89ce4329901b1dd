/*
 * runfiles.h — the name of a run's record in the runtime directory, shared
 * by core/runstate.c (which writes and reads records) and the helpers that
 * live as long as a run (util/nexthelper.h: a resident helper leaves once
 * its run's record is gone).
 */
#ifndef FOSTER_RUNFILES_H
#define FOSTER_RUNFILES_H

/* "<directory>/<run_id>.run<suffix>", a new string; NULL when memory ran out. The
 * caller checks that `run_id` cannot leave the directory. */
char *runfiles_record(const char *directory, const char *run_id, const char *suffix);

#endif

/*
 * spawner.h — starting a program: the one place foster creates a process.
 *
 * Three callers start programs with different needs: the command under test
 * (its own process group, which gets the terminal; foster's environment plus
 * its variables; PATH lookup), a server foster runs itself (its own session,
 * /dev/null in, a log file out, as the server's system user when foster is
 * root) and the container engine's command line (pipes for its output, the
 * password only in its environment). spawn_start serves them all through
 * posix_spawn, which reports a failed exec as its return value; only a
 * change of user, which posix_spawn cannot do, takes a fork.
 *
 * In every child the signals foster catches or ignores are back at their
 * defaults and none is blocked.
 */
#ifndef FOSTER_SPAWNER_H
#define FOSTER_SPAWNER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Values of a spawn_spec descriptor besides a descriptor of ours. */
#define SPAWN_INHERIT  (-1) /* the child gets ours */
#define SPAWN_DEV_NULL (-2) /* /dev/null */

typedef enum spawn_group {
    SPAWN_SAME_GROUP,  /* foster's process group */
    SPAWN_NEW_GROUP,   /* a group of its own, whose id is its pid */
    SPAWN_NEW_SESSION, /* setsid: outlives foster's terminal and group */
} spawn_group;

/* Who the child runs as, when not as foster's own user (root only). */
typedef struct spawn_user {
    uid_t uid;
    gid_t gid;
    const gid_t *groups;
    size_t group_count;
} spawn_user;

typedef struct spawn_spec {
    const char *path;  /* the program; NULL: argv[0] */
    char *const *argv; /* argv[0]: a path, or a name looked up in PATH (search_path) */
    bool search_path;
    char *const *envp; /* NULL: foster's environment */
    int in, out, err;  /* descriptors, SPAWN_INHERIT or SPAWN_DEV_NULL */
    bool close_others; /* no other descriptor of foster's reaches the child */
    const char *cwd;   /* NULL: foster's */
    spawn_group group;
    int terminal;           /* >= 0 with SPAWN_NEW_GROUP: the group becomes its foreground */
    const spawn_user *user; /* NULL: foster's own user */
} spawn_spec;

/* A spec with everything inherited: foster's environment, descriptors, group, user. */
#define SPAWN_SPEC_INIT                                                                            \
    {                                                                                              \
        .in = SPAWN_INHERIT, .out = SPAWN_INHERIT, .err = SPAWN_INHERIT, .terminal = -1            \
    }

/*
 * Starts the program. Its pid; or -1 with *error set to the errno of what
 * failed (ENOENT: the program does not exist; a failed exec is reported
 * here, never as an exit status of the child).
 */
pid_t spawn_start(const spawn_spec *spec, int *error);

/*
 * The first executable regular file `name` in $PATH's folders (an empty
 * entry is the working directory; no PATH: /usr/local/bin:/usr/bin:/bin),
 * a new string; NULL when there is none.
 */
char *spawn_find_program(const char *name);

/*
 * Foster's environment with `count` variables changed: each names[i] is
 * dropped, then set to values[i] unless that is NULL. The array and the
 * entries it adds are new; free it with spawn_environment_free. NULL when
 * memory ran out.
 */
char **spawn_environment(const char *const *names, const char *const *values, size_t count);
void spawn_environment_free(char **envp);

#endif

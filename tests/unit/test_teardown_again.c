/*
 * test_teardown_again.c — foster_teardown is safe to call again after it
 * failed (foster.h), and the second call finishes the job: on foster's own
 * PostgreSQL server (the cluster backend), a teardown that could not remove
 * the server's link in the runtime directory keeps its hold on the server,
 * and the next call removes what is left. The runtime directory is made
 * immutable (chattr +i, root on a file system that has the attribute) for
 * the first call; skipped, saying why, where that cannot be done.
 */
#include <dirent.h>

#include "strbuf.h"
#include "test_library.h"

static char *runtime_dir;

static int chattr(const char *flag)
{
    char *command = strbuf_format("chattr %s '%s' 2>/dev/null", flag, runtime_dir);
    int status = system(command);
    free(command);
    return status;
}

/* The names in the runtime directory, one per line ("" when empty). */
static char *runtime_entries(void)
{
    strbuf sb = STRBUF_INIT;
    DIR *dir = opendir(runtime_dir);
    ck_assert_ptr_nonnull(dir);
    for (struct dirent *e; (e = readdir(dir));)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            strbuf_appendf(&sb, "%s\n", e->d_name);
    closedir(dir);
    char *text = strbuf_detach(&sb);
    return text ? text : strdup("");
}

START_TEST(test_teardown_after_a_failed_one_removes_the_rest)
{
    foster_options options;
    foster_options_init(&options);
    char *manifest = strbuf_format("%s/foster.ini", getenv("FOSTER_SOURCE_ROOT"));
    options.manifest_path = manifest;
    options.backend = "cluster";
    foster_session *session = NULL;
    ck_assert_int_eq(foster_open(&options, &session), FOSTER_OK);
    ck_assert_msg(foster_provision(session) == FOSTER_OK, "%s", foster_errmsg(session));
    const char *host = session_env_value(session, "PGHOST");
    ck_assert_ptr_nonnull(host);
    char *socket_dir = strdup(host);

    ck_assert_int_eq(chattr("+i"), 0);
    foster_result first = foster_teardown(session);
    ck_assert_int_eq(chattr("-i"), 0);
    ck_assert_int_ne(first, FOSTER_OK);
    char *left = runtime_entries();
    ck_assert_msg(strstr(left, ".run") != NULL,
                  "the run's record stays after a failed teardown: %s", left);
    free(left);

    ck_assert_msg(foster_teardown(session) == FOSTER_OK, "%s", foster_errmsg(session));
    left = runtime_entries();
    ck_assert_msg(strcmp(left, "") == 0, "left in the runtime directory: %s", left);
    ck_assert_msg(access(socket_dir, F_OK) != 0, "the server's directory %s is still there",
                  socket_dir);
    ck_assert_int_eq(foster_teardown(session), FOSTER_OK); /* and a third time: nothing to do */
    free(left);
    free(socket_dir);
    foster_close(session);
    free(manifest);
}
END_TEST

int main(void)
{
    int status = cluster_suite_setup("foster-test-teardown-again-", &runtime_dir);
    if (status != 0)
        return status;
    if (chattr("+i") != 0 || chattr("-i") != 0) {
        printf("SKIP: cannot make %s immutable (chattr +i needs root and a file system with the "
               "attribute)\n",
               runtime_dir);
        rmdir(runtime_dir);
        free(runtime_dir);
        return 77;
    }
    const TTest *const tests[] = {test_teardown_after_a_failed_one_removes_the_rest};
    status = cluster_suite_run("teardown_again", runtime_dir, tests, 1);
    free(runtime_dir);
    return status;
}

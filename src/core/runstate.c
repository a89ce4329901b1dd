/*
 * runstate.c — the runtime directory and run records. See runstate.h.
 *
 * A record is a small "key=value" text file, one key a line, so that a person
 * can read it and a later version can add keys.
 */
#include "runstate.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clocale.h"
#include "runfiles.h"
#include "strbuf.h"

/* mkdir 0700 if missing; then insist it is ours, a directory, and private. */
static int private_directory(const char *path, diag_list *diags)
{
    if (mkdir(path, 0700) < 0 && errno != EEXIST) {
        diag_add(diags, path, 0, 0, "cannot create the runtime directory: %s", strerror(errno));
        return -1;
    }
    struct stat st;
    if (lstat(path, &st) < 0) {
        diag_add(diags, path, 0, 0, "cannot inspect the runtime directory: %s", strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077)) {
        diag *d = diag_add(diags, path, 0, 0,
                           "the runtime directory is not a private directory of this user");
        diag_set_hint(d, "remove it, or set FOSTER_RUNTIME_DIR to a directory with mode 0700");
        return -1;
    }
    return 0;
}

static bool usable_base(const char *path)
{
    struct stat st;
    return path && *path && stat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
           access(path, W_OK | X_OK) == 0;
}

char *runstate_directory(diag_list *diags)
{
    char *path = NULL;
    const char *explicit = getenv("FOSTER_RUNTIME_DIR");
    const char *xdg = getenv("XDG_RUNTIME_DIR");
    const char *tmp = getenv("TMPDIR");
    if (explicit && *explicit)
        path = strdup(explicit);
    else if (usable_base(xdg))
        path = strbuf_format("%s/foster", xdg);
    else if (usable_base("/dev/shm"))
        path = strbuf_format("/dev/shm/foster-%u", (unsigned)geteuid());
    else
        path = strbuf_format("%s/foster-%u", usable_base(tmp) ? tmp : "/tmp", (unsigned)geteuid());
    if (!path) {
        diag_add(diags, NULL, 0, 0, "out of memory");
        return NULL;
    }
    if (private_directory(path, diags) < 0) {
        free(path);
        return NULL;
    }
    /* Relative (FOSTER_RUNTIME_DIR=rt): DATABASE_URL and the records must hold where it is. */
    if (path[0] != '/') {
        char *absolute = realpath(path, NULL);
        if (!absolute)
            diag_add(diags, path, 0, 0, "cannot resolve the runtime directory: %s",
                     strerror(errno));
        free(path);
        path = absolute;
    }
    return path;
}

int runstate_new_id(char out[9], diag_list *diags)
{
    unsigned char bytes[4];
    if (getrandom(bytes, sizeof bytes, 0) != (ssize_t)sizeof bytes) {
        diag_add(diags, NULL, 0, 0, "cannot get random bytes for a run id: %s", strerror(errno));
        return -1;
    }
    snprintf(out, 9, "%02x%02x%02x%02x", bytes[0], bytes[1], bytes[2], bytes[3]);
    return 0;
}

bool runstate_valid_id(const char *run_id)
{
    size_t length = run_id ? strlen(run_id) : 0;
    for (size_t i = 0; i < length; i++)
        if (!((run_id[i] >= '0' && run_id[i] <= '9') || (run_id[i] >= 'a' && run_id[i] <= 'f')))
            return false;
    return length == 8;
}

/* directory/<run_id>.run<suffix>; NULL (no memory, or a run id that could leave the directory). */
static char *record_path(const char *directory, const char *run_id, const char *suffix)
{
    if (!runstate_valid_id(run_id))
        return NULL;
    return runfiles_record(directory, run_id, suffix);
}

int run_record_set_identity(run_record *r)
{
    process_identity me;
    process_identity_get(&me);
    free(r->host);
    free(r->boot_id);
    free(r->pid_ns);
    r->host = strdup(me.host);
    r->boot_id = strdup(me.boot_id);
    r->pid_ns = strdup(me.pid_ns);
    return r->host && r->boot_id && r->pid_ns ? 0 : -1;
}

int run_record_write(const char *directory, const run_record *r, diag_list *diags)
{
    char *path = record_path(directory, r->run_id, "");
    char *temporary = record_path(directory, r->run_id, ".tmp");
    int rc = -1;
    if (!path || !temporary) {
        diag_add(diags, NULL, 0, 0, "cannot write the record of run \"%s\"", r->run_id);
        goto out;
    }
    int fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        diag_add(diags, temporary, 0, 0, "cannot write the run record: %s", strerror(errno));
        if (fd >= 0)
            close(fd);
        goto out;
    }
    c_locale_scope c = c_locale_begin(); /* "started=…" is read by other processes */
    fprintf(f,
            "run_id=%s\npid=%ld\nkept=%d\nmanifest=%s\nbackend=%s\ndatabase=%s\nurl=%s\n"
            "server=%s\nserver_pid=%ld\nstarted=%.6f\nhost=%s\nboot_id=%s\npid_ns=%s\n"
            "copies=%d\n",
            r->run_id, (long)r->pid, r->kept ? 1 : 0, r->manifest ? r->manifest : "",
            r->backend ? r->backend : "", r->database ? r->database : "", r->url ? r->url : "",
            r->server ? r->server : "", (long)r->server_pid, r->started, r->host ? r->host : "",
            r->boot_id ? r->boot_id : "", r->pid_ns ? r->pid_ns : "", r->copies);
    c_locale_end(c);
    if (fclose(f) != 0 || rename(temporary, path) < 0) {
        diag_add(diags, path, 0, 0, "cannot write the run record: %s", strerror(errno));
        unlink(temporary);
        goto out;
    }
    rc = 0;
out:
    free(path);
    free(temporary);
    return rc;
}

static int set_field(run_record *r, const char *key, const char *value)
{
    char **target = NULL;
    if (strcmp(key, "run_id") == 0)
        target = &r->run_id;
    else if (strcmp(key, "manifest") == 0)
        target = &r->manifest;
    else if (strcmp(key, "backend") == 0)
        target = &r->backend;
    else if (strcmp(key, "database") == 0)
        target = &r->database;
    else if (strcmp(key, "url") == 0)
        target = &r->url;
    else if (strcmp(key, "server") == 0)
        target = &r->server;
    else if (strcmp(key, "host") == 0)
        target = &r->host;
    else if (strcmp(key, "boot_id") == 0)
        target = &r->boot_id;
    else if (strcmp(key, "pid_ns") == 0)
        target = &r->pid_ns;
    else if (strcmp(key, "copies") == 0)
        r->copies = (int)strtol(value, NULL, 10);
    else if (strcmp(key, "server_pid") == 0)
        r->server_pid = (pid_t)strtol(value, NULL, 10);
    else if (strcmp(key, "pid") == 0)
        r->pid = (pid_t)strtol(value, NULL, 10);
    else if (strcmp(key, "kept") == 0)
        r->kept = strcmp(value, "1") == 0;
    else if (strcmp(key, "started") == 0)
        r->started = c_strtod(value, NULL);
    if (!target)
        return 0; /* unknown keys come from newer versions: ignore them */
    free(*target);
    *target = *value ? strdup(value) : NULL;
    return *value && !*target ? -1 : 0;
}

int run_record_read(const char *directory, const char *run_id, run_record *out, diag_list *diags)
{
    memset(out, 0, sizeof *out);
    char *path = record_path(directory, run_id, "");
    if (!path)
        return diag_add(diags, NULL, 0, 0, "\"%s\" is not a run id", run_id), -1;
    FILE *f = fopen(path, "re");
    if (!f) {
        int missing = errno == ENOENT;
        if (!missing)
            diag_add(diags, path, 0, 0, "cannot read the run record: %s", strerror(errno));
        free(path);
        return missing ? 1 : -1;
    }
    char line[4096];
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *equals = strchr(line, '=');
        if (!equals)
            continue;
        *equals = '\0';
        if (set_field(out, line, equals + 1) < 0) {
            diag_add(diags, NULL, 0, 0, "out of memory");
            rc = -1;
        }
    }
    fclose(f);
    if (rc == 0 && (!out->run_id || strcmp(out->run_id, run_id) != 0)) {
        diag_add(diags, path, 0, 0, "not a foster run record (no run_id %s)", run_id);
        rc = -1;
    }
    free(path);
    if (rc < 0)
        run_record_free(out);
    return rc;
}

char **run_record_ids(const char *directory, diag_list *diags)
{
    DIR *dir = opendir(directory);
    if (!dir) {
        diag_add(diags, directory, 0, 0, "cannot list the runtime directory: %s", strerror(errno));
        return NULL;
    }
    size_t count = 0;
    char **ids = calloc(1, sizeof *ids);
    struct dirent *entry;
    while (ids && (entry = readdir(dir))) {
        size_t length = strlen(entry->d_name);
        if (length <= 4 || strcmp(entry->d_name + length - 4, ".run") != 0)
            continue;
        char id[16];
        snprintf(id, sizeof id, "%.*s", (int)(length - 4), entry->d_name);
        if (!runstate_valid_id(id))
            continue;
        char **grown = realloc(ids, (count + 2) * sizeof *ids);
        if (!grown || !(grown[count] = strndup(entry->d_name, length - 4))) {
            ids = grown ? grown : ids;
            ids[count] = NULL;
            run_record_ids_free(ids);
            ids = NULL;
            break;
        }
        ids = grown;
        ids[++count] = NULL;
    }
    closedir(dir);
    if (!ids)
        diag_add(diags, NULL, 0, 0, "out of memory");
    return ids;
}

void run_record_ids_free(char **ids)
{
    for (size_t i = 0; ids && ids[i]; i++)
        free(ids[i]);
    free(ids);
}

/* A zombie is dead for our purposes (where init does not reap, it stays one). */
static bool is_zombie(pid_t pid)
{
    char path[64], stat[512];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return false;
    size_t n = fread(stat, 1, sizeof stat - 1, f);
    fclose(f);
    stat[n] = '\0';
    const char *after_name = strrchr(stat, ')'); /* the name may hold spaces and parens */
    return after_name && after_name[1] == ' ' && after_name[2] == 'Z';
}

bool runstate_process_alive(pid_t pid)
{
    if (kill(pid, 0) < 0 && errno == ESRCH)
        return false;
    return !is_zombie(pid);
}

run_owner_state run_record_owner(const run_record *r, const char **why)
{
    process_identity me;
    process_identity_get(&me);
    *why = NULL;
    if (!r->host || !r->boot_id || !r->pid_ns)
        *why = "recorded by an older foster, without its host and PID namespace";
    else if (strcmp(r->host, me.host) != 0)
        *why = "made on another host";
    else if (strcmp(r->pid_ns, me.pid_ns) != 0)
        *why = "made in another PID namespace";
    else if (strcmp(r->boot_id, me.boot_id) != 0)
        *why = "made before this machine last booted";
    if (*why)
        return RUN_OWNER_FOREIGN;
    return r->pid > 0 && runstate_process_alive(r->pid) ? RUN_OWNER_ALIVE : RUN_OWNER_DEAD;
}

int run_record_find_kept(const char *directory, const char *manifest, run_record *out,
                         diag_list *diags)
{
    char **ids = run_record_ids(directory, diags);
    if (!ids)
        return -1;
    int found = 1;
    memset(out, 0, sizeof *out);
    for (size_t i = 0; ids[i]; i++) {
        run_record candidate;
        if (run_record_read(directory, ids[i], &candidate, diags) != 0)
            continue;
        bool better = candidate.kept && candidate.manifest &&
                      strcmp(candidate.manifest, manifest) == 0 &&
                      (found == 1 || candidate.started >= out->started);
        if (better) {
            run_record_free(out);
            *out = candidate;
            found = 0;
        } else {
            run_record_free(&candidate);
        }
    }
    run_record_ids_free(ids);
    return found;
}

int run_record_remove(const char *directory, const char *run_id, diag_list *diags)
{
    char *path = record_path(directory, run_id, "");
    if (!path)
        return diag_add(diags, NULL, 0, 0, "\"%s\" is not a run id", run_id), -1;
    int rc = 0;
    if (unlink(path) < 0 && errno != ENOENT) {
        diag_add(diags, path, 0, 0, "cannot remove the run record: %s", strerror(errno));
        rc = -1;
    }
    free(path);
    return rc;
}

void run_record_free(run_record *r)
{
    free(r->run_id);
    free(r->manifest);
    free(r->backend);
    free(r->database);
    free(r->url);
    free(r->server);
    free(r->host);
    free(r->boot_id);
    free(r->pid_ns);
    memset(r, 0, sizeof *r);
}

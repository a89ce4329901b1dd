/*
 * ctcontainer_attach.c — containers an earlier foster started, found again
 * through the engine: attaching to one by name (for down), which reads its
 * labels and password back with `inspect`, and listing foster's containers
 * with `ps` (for gc). See ctcontainer.h and ctcontainer_internal.h.
 */
#include "ctcontainer.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctcontainer_internal.h"
#include "ctengine.h"
#include "strbuf.h"

/* Labels as one line of JSON, then one line per environment entry: one call for attach. */
#define INSPECT_FORMAT "{{json .Config.Labels}}\n{{range .Config.Env}}{{println .}}{{end}}"
/*
 * `ps` templates differ: docker's rows have a Label method, podman's (before
 * 5.0) only a Labels map. A real tab, not "\t": neither engine has to unescape it.
 */
#define DOCKER_PS_FORMAT "{{.Names}}\t{{.Label \"foster.run\"}}\t{{.Label \"foster.pid\"}}"
#define PODMAN_PS_FORMAT                                                                           \
    "{{.Names}}\t{{index .Labels \"foster.run\"}}\t{{index .Labels \"foster.pid\"}}"

/* ---- attaching ---- */

/* Appends the code point as UTF-8. */
static void append_utf8(strbuf *sb, unsigned long code)
{
    if (code < 0x80) {
        strbuf_append_char(sb, (char)code);
    } else if (code < 0x800) {
        strbuf_append_char(sb, (char)(0xC0 | (code >> 6)));
        strbuf_append_char(sb, (char)(0x80 | (code & 0x3F)));
    } else if (code < 0x10000) {
        strbuf_append_char(sb, (char)(0xE0 | (code >> 12)));
        strbuf_append_char(sb, (char)(0x80 | ((code >> 6) & 0x3F)));
        strbuf_append_char(sb, (char)(0x80 | (code & 0x3F)));
    } else {
        strbuf_append_char(sb, (char)(0xF0 | (code >> 18)));
        strbuf_append_char(sb, (char)(0x80 | ((code >> 12) & 0x3F)));
        strbuf_append_char(sb, (char)(0x80 | ((code >> 6) & 0x3F)));
        strbuf_append_char(sb, (char)(0x80 | (code & 0x3F)));
    }
}

static long hex4(const char *p)
{
    long value = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        int digit = c >= '0' && c <= '9'   ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                           : -1;
        if (digit < 0)
            return -1;
        value = value * 16 + digit;
    }
    return value;
}

/* Reads the JSON string at *p (at its opening quote) into `out`; advances *p. 0, or -1. */
static int json_string(const char **p, strbuf *out)
{
    const char *s = *p;
    if (*s++ != '"')
        return -1;
    while (*s != '"') {
        if (*s == '\0' || (unsigned char)*s < 0x20)
            return -1;
        if (*s != '\\') {
            strbuf_append_char(out, *s++);
            continue;
        }
        s++;
        const char *simple = strchr("\"\\/bfnrt", *s);
        if (*s && simple) {
            static const char decoded[] = "\"\\/\b\f\n\r\t";
            strbuf_append_char(out, decoded[simple - "\"\\/bfnrt"]);
            s++;
            continue;
        }
        if (*s != 'u')
            return -1;
        long code = hex4(s + 1);
        if (code < 0)
            return -1;
        s += 5;
        if (code >= 0xD800 && code < 0xDC00 && s[0] == '\\' && s[1] == 'u') {
            long low = hex4(s + 2);
            if (low >= 0xDC00 && low < 0xE000) {
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                s += 6;
            }
        }
        append_utf8(out, (unsigned long)code);
    }
    *p = s + 1;
    return 0;
}

static const char *skip_space(const char *p)
{
    while (isspace((unsigned char)*p))
        p++;
    return p;
}

/*
 * Looks `key` up in a JSON object of strings (`{{json .Config.Labels}}`;
 * "null" is an empty one). 1 with *value (new), 0 when absent, -1 when the
 * text is no such object or memory ran out.
 */
static int json_label(const char *json, const char *key, char **value)
{
    const char *p = skip_space(json);
    if (strncmp(p, "null", 4) == 0)
        return 0;
    if (*p++ != '{')
        return -1;
    p = skip_space(p);
    if (*p == '}')
        return 0;
    strbuf name = STRBUF_INIT, text = STRBUF_INIT;
    int found = -1;
    for (;;) {
        strbuf_reset(&name);
        strbuf_reset(&text);
        if (json_string(&p, &name) < 0)
            break;
        p = skip_space(p);
        if (*p++ != ':')
            break;
        p = skip_space(p);
        if (json_string(&p, &text) < 0 || name.failed || text.failed)
            break;
        if (strcmp(strbuf_str(&name), key) == 0) {
            *value = strdup(strbuf_str(&text));
            found = *value ? 1 : -1;
            break;
        }
        p = skip_space(p);
        if (*p == '}') {
            found = 0;
            break;
        }
        if (*p++ != ',')
            break;
        p = skip_space(p);
    }
    strbuf_free(&name);
    strbuf_free(&text);
    return found;
}

/*
 * Reads labels and password from `inspect`'s answer (INSPECT_FORMAT: the
 * labels' JSON, then NAME=VALUE lines). 0, or -1 with a diag.
 */
static int read_inspection(ct_container *container, const char *text, diag_list *diags)
{
    const char *env = strchr(text, '\n');
    char *labels = strbuf_format("%.*s", env ? (int)(env - text) : (int)strlen(text), text);
    if (!labels) {
        ct_container_add_out_of_memory(diags);
        return -1;
    }
    char *foster = NULL, *run_id = NULL;
    int has_foster = json_label(labels, "foster", &foster);
    int has_run = has_foster == 1 ? json_label(labels, "foster.run", &run_id) : 0;
    int rc = -1;
    if (has_foster < 0 || has_run < 0) {
        diag_add(diags, NULL, 0, 0, "cannot read the labels of container %s: \"%.200s\"",
                 container->name, labels);
    } else if (has_foster == 0 || strcmp(foster, "1") != 0 || has_run == 0) {
        diag *d = diag_add(diags, NULL, 0, 0,
                           "container %s is not one of foster's: it lacks the labels foster=1 "
                           "and foster.run",
                           container->name);
        diag_set_kind(d, DIAG_NOT_MARKED);
        diag_set_hint(d, "foster only stops containers it started");
    } else if (!container->server) {
        rc = 0; /* for removal only: no password needed */
    } else {
        const char *variable = container->server->password_variable;
        size_t prefix_length = strlen(variable) + 1; /* NAME= */
        for (const char *line = env; line && !container->password;) {
            line++;
            const char *end = strchr(line, '\n');
            size_t length = end ? (size_t)(end - line) : strlen(line);
            if (length >= prefix_length && strncmp(line, variable, prefix_length - 1) == 0 &&
                line[prefix_length - 1] == '=')
                container->password =
                    strbuf_format("%.*s", (int)(length - prefix_length), line + prefix_length);
            line = end;
        }
        if (container->password)
            rc = 0;
        else
            diag_add(diags, NULL, 0, 0, "container %s has no %s in its environment",
                     container->name, variable);
    }
    free(foster);
    free(run_id);
    free(labels);
    return rc;
}

ct_container *ct_container_attach(const char *engine, const char *name, const ct_server *server,
                                  diag_list *diags)
{
    const char *known = ct_engine_known(engine);
    if (!known) {
        diag *d =
            diag_add(diags, NULL, 0, 0, "unknown container engine \"%s\"", engine ? engine : "");
        diag_set_hint(d, "use docker or podman");
        return NULL;
    }
    if (!name || !*name) {
        diag_add(diags, NULL, 0, 0, "no container name to attach to");
        return NULL;
    }
    ct_container *container = ct_container_new(known, name, diags);
    if (!container)
        return NULL;
    container->server = server;
    const char *arguments[] = {"inspect", "--format", INSPECT_FORMAT, name, NULL};
    ct_engine_call call = {known, arguments, NULL, NULL, COMMAND_TIMEOUT_SECONDS, NULL, false};
    ct_engine_reply reply;
    if (ct_engine_command(&call, &reply, diags) < 0) {
        ct_container_free(container);
        return NULL;
    }
    int rc = -1;
    if (reply.status != 0) {
        char *what = strbuf_format("cannot find container %s: `%s inspect`", name, known);
        diag *d = ct_engine_add_failure(diags, known, &reply, what ? what : "inspect");
        /* the engine's own words (not translated), read in one place: ctengine.c */
        diag_set_kind(d, ct_engine_says_no_such_container(&reply) ? DIAG_NOT_FOUND : DIAG_ENGINE);
        free(what);
    } else {
        rc = read_inspection(container, reply.out, diags);
    }
    ct_engine_reply_free(&reply);
    if (rc < 0 || (server && ct_container_discover_port(container, NULL, diags) < 0)) {
        ct_container_free(container);
        return NULL;
    }
    return container;
}

/* ---- listing ---- */

void ct_container_list_free(ct_container_entry *entries, size_t count)
{
    if (!entries)
        return;
    for (size_t i = 0; i < count; i++) {
        free(entries[i].engine);
        free(entries[i].name);
        free(entries[i].run_id);
    }
    free(entries);
}

typedef struct entry_list {
    ct_container_entry *items; /* always one zeroed entry past the last */
    size_t count;
    size_t capacity;
} entry_list;

/* Adds one "name\trun id\tpid" row of `ps`; rows without a name are skipped. 0, or -1 (memory). */
static int add_listed_row(entry_list *list, const char *engine, const char *row, size_t length)
{
    const char *tab1 = memchr(row, '\t', length);
    if (!tab1 || tab1 == row)
        return 0;
    const char *rest = tab1 + 1;
    const char *tab2 = memchr(rest, '\t', length - (size_t)(rest - row));
    size_t run_length = tab2 ? (size_t)(tab2 - rest) : length - (size_t)(rest - row);
    long pid = 0;
    if (tab2) {
        char *digits = strbuf_format("%.*s", (int)(length - (size_t)(tab2 + 1 - row)), tab2 + 1);
        if (!digits)
            return -1;
        char *end;
        pid = strtol(digits, &end, 10);
        if (end == digits || *end != '\0' || pid < 0)
            pid = 0;
        free(digits);
    }
    if (list->count + 2 > list->capacity) {
        size_t capacity = list->capacity ? list->capacity * 2 : 8;
        ct_container_entry *items = realloc(list->items, capacity * sizeof *items);
        if (!items)
            return -1;
        list->items = items;
        list->capacity = capacity;
    }
    ct_container_entry *entry = &list->items[list->count];
    memset(entry, 0, 2 * sizeof *entry);
    entry->engine = strdup(engine);
    entry->name = strbuf_format("%.*s", (int)(tab1 - row), row);
    entry->run_id = strbuf_format("%.*s", (int)run_length, rest);
    entry->owner_pid = (pid_t)pid;
    list->count++; /* counted before the check, so that a partial entry is freed too */
    return entry->engine && entry->name && entry->run_id ? 0 : -1;
}

/* Lists one engine's foster containers into `list`. 0, -1 with a diag, -2 when memory ran out. */
static int list_engine(entry_list *list, const char *engine, diag_list *diags)
{
    const char *arguments[] = {
        "ps",       "-a",
        "--filter", "label=foster=1",
        "--format", strcmp(engine, "podman") == 0 ? PODMAN_PS_FORMAT : DOCKER_PS_FORMAT,
        NULL};
    ct_engine_call call = {engine, arguments, NULL, NULL, COMMAND_TIMEOUT_SECONDS, NULL, false};
    ct_engine_reply reply;
    if (ct_engine_command(&call, &reply, diags) < 0)
        return -1;
    int rc = 0;
    if (reply.status != 0) {
        char *what = strbuf_format("cannot list foster's containers: `%s ps`", engine);
        ct_engine_add_failure(diags, engine, &reply, what ? what : "ps");
        free(what);
        rc = -1;
    }
    for (const char *line = reply.out; rc == 0 && *line;) {
        const char *end = strchr(line, '\n');
        size_t length = end ? (size_t)(end - line) : strlen(line);
        if (length && line[length - 1] == '\r')
            length--;
        if (add_listed_row(list, engine, line, length) < 0) {
            ct_container_add_out_of_memory(diags);
            rc = -2;
        }
        line = end ? end + 1 : line + strlen(line);
    }
    ct_engine_reply_free(&reply);
    return rc;
}

ct_container_entry *ct_container_list(const char *engine, size_t *count, diag_list *diags)
{
    *count = 0;
    const char *known = ct_engine_known(engine);
    if (engine && !known) {
        diag *d = diag_add(diags, NULL, 0, 0, "unknown container engine \"%s\"", engine);
        diag_set_hint(d, "use docker or podman");
        return NULL;
    }
    entry_list list = {calloc(1, sizeof(ct_container_entry)), 0, 1};
    if (!list.items) {
        ct_container_add_out_of_memory(diags);
        return NULL;
    }
    for (size_t i = 0; i < CT_ENGINE_COUNT; i++) {
        if (known && known != ct_engine_names[i])
            continue;
        /* Any engine: those missing or not answering have no containers to list. */
        diag_list failures = DIAG_LIST_INIT;
        int rc = list_engine(&list, ct_engine_names[i], known ? diags : &failures);
        if (rc == -2)
            diag_list_move(diags, &failures);
        diag_list_clear(&failures);
        if (!known && rc == -1)
            rc = 0;
        if (rc < 0) {
            ct_container_list_free(list.items, list.count);
            return NULL;
        }
    }
    *count = list.count;
    return list.items;
}

ct_container *ct_container_attach_location(const char *location, const ct_server *server,
                                           diag_list *diags)
{
    const char *slash = location ? strchr(location, '/') : NULL;
    if (!slash) {
        diag_add(diags, NULL, 0, 0, "the run record names no container (\"%s\")",
                 location ? location : "");
        return NULL;
    }
    char *engine = strndup(location, (size_t)(slash - location));
    if (!engine) {
        ct_container_add_out_of_memory(diags);
        return NULL;
    }
    ct_container *container = NULL;
    if (strcmp(engine, "auto") == 0) {
        /* Recorded before the engine was chosen (killed while starting): try each. */
        for (size_t i = 0; i < CT_ENGINE_COUNT && !container; i++) {
            diag_list tried = DIAG_LIST_INIT;
            container = ct_container_attach(ct_engine_names[i], slash + 1, server, &tried);
            if (!container && i == CT_ENGINE_COUNT - 1)
                diag_list_move(diags, &tried);
            diag_list_clear(&tried);
        }
    } else {
        container = ct_container_attach(engine, slash + 1, server, diags);
    }
    free(engine);
    return container;
}

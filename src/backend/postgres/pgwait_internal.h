/*
 * pgwait_internal.h — what the waiting loop (pgwait.c) shares with its two
 * helpers: the table that tells "not ready yet" from "will never work"
 * (pgfailure.c) and the redaction that keeps passwords out of messages
 * (pgredact.c).
 *
 * Private to pgwait.c, pgfailure.c and pgredact.c (src/backend/postgres/); the
 * interface is pgwait.h.
 */
#ifndef FOSTER_PGWAIT_INTERNAL_H
#define FOSTER_PGWAIT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

/* ---- which failures are worth waiting out (pgfailure.c) ---- */

typedef enum pg_failure_kind {
    PG_FAILURE_RETRY, /* not ready yet: try again until the time runs out */
    PG_FAILURE_FATAL, /* waiting cannot help */
} pg_failure_kind;

/*
 * Classifies libpq's (possibly multi-line) error message and sets *reason to
 * a new string saying what went wrong, for the diag (NULL when memory ran
 * out). A message that matches nothing counts as PG_FAILURE_RETRY.
 */
pg_failure_kind pg_failure_classify_message(const char *message, char **reason);

/* Classifies the SQLSTATE of a failed SELECT 1 (five characters). */
pg_failure_kind pg_failure_classify_sqlstate(const char *sqlstate);

/* ---- keeping passwords out of messages (pgredact.c) ---- */

/* The password texts found in a conninfo, as written and as libpq decodes them. */
typedef struct pg_redact_secrets {
    char **items;
    size_t count;
    size_t capacity;
    bool failed;                 /* memory ran out: some form may be missing */
    bool unencoded_url_password; /* holds '@' or '/', which libpq cuts the URL at */
} pg_redact_secrets;

/*
 * `conninfo` (URL or key=value) with every password replaced by "***", a new
 * string the caller frees (NULL when memory ran out). When `secrets` is not
 * NULL (zeroed before), every form of each password is added to it, for
 * pg_redact_scrub; secrets->failed then says whether memory ran out.
 */
char *pg_redact_conninfo_secrets(const char *conninfo, pg_redact_secrets *secrets);

/*
 * `text` with every password in `secrets` replaced by "***", a new string the
 * caller frees (NULL when memory ran out).
 */
char *pg_redact_scrub(const char *text, const pg_redact_secrets *secrets);

/* Frees the secrets and zeroes `secrets`. */
void pg_redact_secrets_free(pg_redact_secrets *secrets);

#endif

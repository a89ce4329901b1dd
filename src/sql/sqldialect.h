/*
 * sqldialect.h — which SQL a schema file is written in (its source
 * dialect), as opposed to what a backend runs (schema.h's schema_dialect,
 * the target). The manifest may say it (`[foster] dialect`); otherwise it
 * is told from the file itself: a dump's header, MySQL's `backquotes`,
 * versioned comments, ENGINE= and AUTO_INCREMENT, or PostgreSQL's ::casts,
 * dollar quotes and psql meta-commands.
 *
 * Pure: text in, a dialect out.
 */
#ifndef FOSTER_SQLDIALECT_H
#define FOSTER_SQLDIALECT_H

#include <stddef.h>

typedef enum sql_dialect {
    SQL_DIALECT_UNKNOWN = 0, /* not said, and nothing in the file tells */
    SQL_DIALECT_POSTGRESQL,  /* pg_dump --schema-only; read by ddl.h */
    SQL_DIALECT_MYSQL,       /* mysqldump / mariadb-dump --no-data; read by myddl.h */
} sql_dialect;

/* "PostgreSQL" or "MySQL" (NULL for SQL_DIALECT_UNKNOWN): the name messages use. */
const char *sql_dialect_name(sql_dialect dialect);

/*
 * The dialect a manifest names, compared without regard to case:
 * "postgresql" (or "postgres"), "mysql" (or "mariadb"); SQL_DIALECT_UNKNOWN
 * for anything else.
 */
sql_dialect sql_dialect_parse(const char *name);

/* What gave a file's dialect away, for messages. */
typedef struct sql_dialect_evidence {
    int line;         /* 1-based line of the first evidence, 0 when there is none */
    const char *what; /* a static description ("the dump header \"-- MariaDB dump\"") */
} sql_dialect_evidence;

/*
 * Tells the dialect of `length` bytes of DDL from its first piece of
 * evidence outside strings, or SQL_DIALECT_UNKNOWN when the text could be
 * either (plain CREATE TABLE statements). `evidence` (may be NULL) is filled
 * in either case.
 */
sql_dialect sql_dialect_detect(const char *text, size_t length, sql_dialect_evidence *evidence);

#endif

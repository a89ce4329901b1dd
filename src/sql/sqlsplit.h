/*
 * sqlsplit.h — splits a SQL script (a schema file or a .sql fixture) into
 * statements, and tokenizes one statement, the way psql reads a file.
 *
 * Pure: text in, statements or tokens out; no database. Understands
 * -- and nested block comments, 'strings' with '' escapes, E'strings' with
 * backslash escapes, "identifiers" with "" escapes, $tag$dollar quotes$tag$,
 * and psql backslash meta-commands at the start of a line (pg_dump writes
 * `\restrict KEY` and `\unrestrict KEY`), which end at the end of their line.
 */
#ifndef FOSTER_SQLSPLIT_H
#define FOSTER_SQLSPLIT_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

typedef struct sql_statement {
    char *text;   /* the statement, from its first token (leading comments dropped) to
                     its last (trailing comments dropped), inner comments kept, no ';' */
    int line;     /* 1-based line of its first character in the file */
    int column;   /* 1-based column of its first character (characters, not bytes) */
    bool is_meta; /* a psql meta-command line such as "\restrict abc" */
} sql_statement;

typedef struct sql_script {
    sql_statement *items;
    size_t count;
} sql_script;

/*
 * Splits `text` (`length` bytes, need not be NUL-terminated) into `out`,
 * which must be zeroed or freed before. Statements made only of comments and
 * white space are dropped. As in psql, a ';' inside parentheses or inside a
 * CREATE FUNCTION ... BEGIN ATOMIC ... END body (or a SQLite CREATE TRIGGER ...
 * BEGIN ... END body) does not end a statement, and
 * the last statement needs no ';'. A meta-command line ends any statement
 * still open before it. `file` is used only in messages. Returns 0, or -1
 * after adding a diag naming the line where an unterminated string, quoted
 * identifier, dollar quote or comment began (nothing is kept in `out`).
 */
int sql_split(const char *text, size_t length, const char *file, sql_script *out, diag_list *diags);

/*
 * Reads the whole of `path` into a new NUL-terminated buffer (*text, the
 * caller frees; *length bytes, the NUL not counted). 0, or -1 with a diag
 * naming `display_name` (else `path`) when it cannot be opened or read.
 */
int sql_read_file(const char *path, const char *display_name, char **text, size_t *length,
                  diag_list *diags);

/* Reads `path` and splits it; -1 with a diag when the file cannot be read. */
int sql_split_file(const char *path, const char *display_name, sql_script *out, diag_list *diags);

void sql_script_free(sql_script *script);

/*
 * Refuses what a schema file or fixture must not run inside foster's load
 * transaction: transaction control (BEGIN, START, COMMIT, END, ROLLBACK,
 * ABORT, SAVEPOINT, RELEASE, PREPARE TRANSACTION, COMMIT/ROLLBACK PREPARED),
 * statements on other databases or the server (CREATE/ALTER/DROP DATABASE
 * and TABLESPACE, ALTER SYSTEM, REINDEX DATABASE/SYSTEM, ATTACH, DETACH,
 * VACUUM, CHECKPOINT) and the meta-commands \c and \connect. One diag per
 * such statement (file, line, column of its first word); 0 or -1.
 */
int sql_script_check_scope(const sql_script *script, const char *file, diag_list *diags);

typedef enum sql_token_kind {
    SQL_TOKEN_WORD,      /* keyword or bare identifier: letters, digits, _, $ */
    SQL_TOKEN_QUOTED_ID, /* "identifier" (MySQL: `name`) */
    SQL_TOKEN_STRING,    /* 'string', E'string', $$string$$, B'..', X'..' */
    SQL_TOKEN_NUMBER,    /* 42, 3.14, 1e10 */
    SQL_TOKEN_PUNCT,     /* ( ) , ; . [ ] */
    SQL_TOKEN_OPERATOR,  /* ::, =, <>, ||, +, etc. (a maximal run of operator chars) */
    SQL_TOKEN_PARAMETER, /* $1 */
} sql_token_kind;

typedef struct sql_token {
    sql_token_kind kind;
    const char *start; /* points into the statement text */
    size_t length;
    int line;   /* 1-based, relative to the file (statement line + offset) */
    int column; /* 1-based column in the file */
} sql_token;

typedef struct sql_tokens {
    sql_token *items;
    size_t count;
} sql_tokens;

/*
 * Tokenizes one statement (comments and white space are skipped); a
 * meta-command statement gives one WORD per white-space separated word. Tokens
 * point into `statement->text`, which must outlive them. Returns 0, or -1
 * with a diag (file, line, column) on an unterminated construct.
 */
int sql_tokenize(const sql_statement *statement, const char *file, sql_tokens *out,
                 diag_list *diags);

/* Tokenizes `text` as one PostgreSQL statement at line 1, column 1, saying
 * nothing of what it cannot read (a name, an expression, a server's SQL). */
int sql_tokenize_text(const char *text, sql_tokens *out);

void sql_tokens_free(sql_tokens *tokens);

/* What a statement starting with `first` (and `second`, when not NULL) would do. */
typedef struct sql_scope_rule {
    const char *first, *second, *does;
} sql_scope_rule;

/* The `does` of the first of `count` rules the tokens' first words match, or NULL. */
const char *sql_scope_rule_match(const sql_scope_rule *rules, size_t count,
                                 const sql_tokens *tokens);

/* How many bytes a refusal quotes: the first word, with the second when it is a word
 * ("DROP DATABASE", "COMMIT"). */
int sql_leading_words_length(const sql_tokens *tokens);

/* True when the token is the WORD `word`, compared without regard to case. */
bool sql_token_is(const sql_token *token, const char *word);

/*
 * The identifier a WORD or QUOTED_ID token names, as PostgreSQL folds it:
 * bare words lower-cased, quoted ones unquoted with "" made " (a MySQL
 * `name` unquoted with `` made `). Caller frees;
 * NULL when memory ran out or the token is not an identifier.
 */
char *sql_token_identifier(const sql_token *token);

#endif

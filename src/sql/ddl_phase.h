/*
 * ddl_phase.h — when a schema statement runs, in the order pg_restore uses:
 * what the fixtures load into first (pre-data), the data, then what is
 * cheaper built once over the loaded rows (post-data: indexes, primary,
 * unique and foreign keys added by ALTER TABLE), then triggers, so that an
 * owner's trigger never fires while fixtures load.
 *
 * Pure: looks at the first words of a statement ddl.c analysed; no database.
 */
#ifndef FOSTER_DDL_PHASE_H
#define FOSTER_DDL_PHASE_H

#include "ddl.h"

typedef enum ddl_phase {
    DDL_PHASE_NONE,      /* not run at all (DDL_SKIP) */
    DDL_PHASE_PRE_DATA,  /* schemas, types, functions, sequences, CREATE TABLE with all
                            that is inline in it (REFERENCES there is checked row by row),
                            ALTER TABLE ... ADD CHECK, column defaults and identities */
    DDL_PHASE_POST_DATA, /* CREATE INDEX; ALTER TABLE ... ADD [CONSTRAINT n] PRIMARY KEY,
                            UNIQUE, EXCLUDE or FOREIGN KEY (any ALTER TABLE that references
                            a table); what needs those (CLUSTER ON, REPLICA IDENTITY);
                            rules, policies and row level security, statistics */
    DDL_PHASE_TRIGGERS,  /* CREATE [OR REPLACE] [CONSTRAINT] TRIGGER, ALTER TABLE ...
                            ENABLE/DISABLE TRIGGER, CREATE EVENT TRIGGER */
} ddl_phase;

/* The phase of one analysed statement. */
ddl_phase ddl_statement_phase(const ddl_statement *statement);

/*
 * The phase of one statement as text (the SQLite statements translate_sqlite
 * writes, or a hand-written <table>.sqlite.sql): CREATE [UNIQUE] INDEX is
 * post-data, CREATE [TEMP] TRIGGER is a trigger, anything else pre-data.
 */
ddl_phase ddl_text_phase(const char *sql);

#endif

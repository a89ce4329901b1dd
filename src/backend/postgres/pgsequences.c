/*
 * pgsequences.c — after loading, every sequence a column takes its values
 * from is moved past the largest value the fixtures gave that column, as
 * Django's sqlsequencereset does: sequences owned by a column (serial,
 * identity) and sequences a column's default names (nextval of a sequence
 * the table does not own, maybe shared by several tables: it ends past the
 * largest of its columns).
 *
 * One catalog query, from the sequences to the columns that use them,
 * writes each move as a statement; a schema without sequences costs that
 * query alone. (Asking pg_get_serial_sequence of every column of every
 * table, inside a DO block, took 5 ms on an 11-table schema with no
 * sequence at all; this query takes 0.5–2.5 ms.)
 */
#include "backend_postgres.h"

/*
 * One row per (sequence, column): a statement that moves the sequence past
 * the column's largest value, unless the column is empty, that value is
 * below the sequence's minimum (setval would refuse it), or the sequence is
 * past it already. The names come from the server (%I, regclass): quoted.
 */
static const char sequence_moves_sql[] =
    "SELECT format('SELECT setval(%s::regclass, m, true) FROM "
    "(SELECT max(%I)::bigint AS m FROM %s) x, %s s WHERE m IS NOT NULL AND m >= %s "
    "AND (NOT s.is_called OR m > s.last_value)', "
    "q.seqrelid, a.attname, c.oid::regclass, q.seqrelid::regclass, q.seqmin) "
    "FROM pg_sequence q CROSS JOIN LATERAL ("
    "  SELECT refobjid AS rel, refobjsubid AS attnum FROM pg_depend "
    "  WHERE classid = 'pg_class'::regclass AND objid = q.seqrelid "
    "  AND refclassid = 'pg_class'::regclass AND deptype IN ('a', 'i') AND refobjsubid > 0 "
    "  UNION SELECT d.adrelid, d.adnum FROM pg_depend dep JOIN pg_attrdef d ON d.oid = dep.objid "
    "  WHERE dep.refclassid = 'pg_class'::regclass AND dep.refobjid = q.seqrelid "
    "  AND dep.classid = 'pg_attrdef'::regclass) o "
    "JOIN pg_class c ON c.oid = o.rel AND c.relkind IN ('r', 'p') "
    "JOIN pg_attribute a ON a.attrelid = o.rel AND a.attnum = o.attnum AND NOT a.attisdropped";

int pg_move_sequences(pg_backend *p, diag_list *diags)
{
    static const char what[] = "cannot move sequences past the fixtures";
    PGresult *result = PQexec(p->db, sequence_moves_sql);
    if (PQresultStatus(result) != PGRES_TUPLES_OK) {
        pgconn_add_result_error(diags, result, what);
        PQclear(result);
        return -1;
    }
    strbuf moves = STRBUF_INIT;
    for (int i = 0; i < PQntuples(result); i++)
        strbuf_appendf(&moves, "%s;", PQgetvalue(result, i, 0));
    PQclear(result);
    int rc = 0;
    if (moves.failed)
        rc = (diag_add(diags, NULL, 0, 0, "out of memory"), -1);
    else if (moves.length > 0)
        rc = pgconn_command(p->db, moves.data, what, diags);
    strbuf_free(&moves);
    return rc;
}

/*
 * order.h — the order in which tables are created and loaded: every table
 * after the tables it references, ties kept in manifest order, and tables that
 * reference themselves or sit in a cycle flagged so that the backend can defer
 * their foreign key checks to the end of the load.
 *
 * Pure: indexes in, indexes out.
 */
#ifndef FOSTER_ORDER_H
#define FOSTER_ORDER_H

#include <stdbool.h>
#include <stddef.h>

typedef struct order_edge {
    size_t from; /* the table that references ... */
    size_t to;   /* ... this one (so `to` must come first) */
} order_edge;

/*
 * Sorts `count` tables given `edge_count` edges (duplicates and self-edges
 * allowed). Writes a permutation of 0..count-1 into `order` (count entries)
 * and, when `cyclic` is not NULL, sets cyclic[i] for each table i that
 * references itself or is in a cycle. Tables of one cycle come out next to
 * each other, in manifest order, after everything they reference outside the
 * cycle. Returns 0, or -1 when memory ran out or an edge names an index >=
 * count.
 */
int order_tables(size_t count, const order_edge *edges, size_t edge_count, size_t *order,
                 bool *cyclic);

#endif

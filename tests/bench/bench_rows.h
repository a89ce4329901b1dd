/*
 * bench_rows.h — the rows of the SQLite load benchmark, shared by the CSV
 * generator (gen_csv.c) and the raw floor (sqlite_floor.c) so both load
 * exactly the same values.
 *
 * Row i (1-based) of table bench_trade is a pure function of i: no state, no
 * randomness, the same bytes on every machine. The mix exercises what a real
 * fixture has: about one note in eight holds a comma and one in eight a
 * doubled quote as well (both need quoting in CSV), three in eight notes and one
 * price in twenty are NULL (unquoted empty fields), one note in eight is the
 * empty string (a quoted empty field).
 */
#ifndef FOSTER_BENCH_ROWS_H
#define FOSTER_BENCH_ROWS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define BENCH_TABLE       "bench_trade"
#define BENCH_FIELD_COUNT 6
#define BENCH_FIELD_MAX   64 /* longest value, NUL included, with room to spare */

/* Column names, in CSV header and INSERT order. */
static const char *const bench_columns[BENCH_FIELD_COUNT] = {
    "id", "account_id", "ticker", "quantity", "price", "note",
};

/*
 * The table as both sides create it: plain DDL that PostgreSQL and SQLite
 * both accept, so foster's translation has nothing to change.
 */
#define BENCH_CREATE_TABLE                                                                         \
    "CREATE TABLE bench_trade (\n"                                                                 \
    "    id integer PRIMARY KEY,\n"                                                                \
    "    account_id integer NOT NULL,\n"                                                           \
    "    ticker varchar(8) NOT NULL,\n"                                                            \
    "    quantity integer NOT NULL,\n"                                                             \
    "    price numeric(12,4),\n"                                                                   \
    "    note text\n"                                                                              \
    ");\n"

typedef struct bench_row {
    char values[BENCH_FIELD_COUNT][BENCH_FIELD_MAX]; /* "" when NULL */
    size_t lengths[BENCH_FIELD_COUNT];
    bool is_null[BENCH_FIELD_COUNT];
} bench_row;

/* splitmix64: a well-mixed 64-bit value from a counter. */
static inline uint64_t bench_mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15u;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
    return x ^ (x >> 31);
}

static inline void bench_set(bench_row *r, int field, int length)
{
    r->lengths[field] = length > 0 ? (size_t)length : 0;
    r->is_null[field] = false;
}

static inline void bench_set_null(bench_row *r, int field)
{
    r->values[field][0] = '\0';
    r->lengths[field] = 0;
    r->is_null[field] = true;
}

/* Fills `r` with row `i` (1-based). */
static inline void bench_row_make(long long i, bench_row *r)
{
    static const char *const tickers[16] = {
        "AAPL", "MSFT", "GOOGL", "AMZN", "NVDA", "META", "TSLA", "BRK.B",
        "JPM",  "V",    "XOM",   "UNH",  "LLY",  "AVGO", "MA",   "COST",
    };
    static const char *const words[8] = {
        "rebalance",   "dividend reinvestment", "transfer in",      "transfer out",
        "tax harvest", "margin call",           "corporate action", "gift",
    };
    uint64_t h = bench_mix((uint64_t)i);
    uint64_t g = bench_mix(h);
    char(*v)[BENCH_FIELD_MAX] = r->values;

    bench_set(r, 0, snprintf(v[0], BENCH_FIELD_MAX, "%lld", i));
    bench_set(r, 1, snprintf(v[1], BENCH_FIELD_MAX, "%llu", 1 + (unsigned long long)(h % 5000)));
    bench_set(r, 2, snprintf(v[2], BENCH_FIELD_MAX, "%s", tickers[(h >> 16) % 16]));
    bench_set(r, 3, snprintf(v[3], BENCH_FIELD_MAX, "%lld", (long long)((h >> 24) % 20000) - 5000));
    if ((h >> 40) % 20 == 0)
        bench_set_null(r, 4);
    else
        bench_set(r, 4,
                  snprintf(v[4], BENCH_FIELD_MAX, "%llu.%04llu", (unsigned long long)(g % 100000),
                           (unsigned long long)((g >> 20) % 10000)));
    const char *word = words[(g >> 40) % 8];
    unsigned long long lot = (g >> 48) % 100000;
    switch ((h >> 56) % 8) {
    case 0:
    case 1:
    case 2:
        bench_set_null(r, 5);
        break;
    case 3:
        bench_set(r, 5, 0); /* empty string: "" in CSV */
        v[5][0] = '\0';
        break;
    case 4:
        bench_set(r, 5, snprintf(v[5], BENCH_FIELD_MAX, "%s, lot %llu", word, lot));
        break;
    case 5:
        bench_set(r, 5, snprintf(v[5], BENCH_FIELD_MAX, "client said \"%s\", lot %llu", word, lot));
        break;
    default:
        bench_set(r, 5, snprintf(v[5], BENCH_FIELD_MAX, "%s lot %llu", word, lot));
        break;
    }
}

#endif

/*
 * test_translate_sqlite_dates.c — date/time arithmetic and casts in expressions: the current
 * moment moved by an interval or by days becomes SQLite's datetime()/date() of 'now' (text in
 * CURRENT_TIMESTAMP's and CURRENT_DATE's form), a cast of it to date or time CURRENT_DATE or
 * CURRENT_TIME; what SQLite would compute another value for is an error at its place.
 */
#include <check.h>
#include <sqlite3.h>
#include <stddef.h>
#include <string.h>

#include "test_translate_sqlite.h"

/* ---- translated ------------------------------------------------------------- */

/* Each column of schedule.sql: its SQLite definition, and a query on the row that
 * `INSERT ... DEFAULT VALUES`-like insert gives, which must say 1. */
static const struct {
    const char *column;
    const char *query;
} schedule_columns[] = {
    {"\n    starts timestamp with time zone DEFAULT (datetime('now', '-1 hours')),\n",
     "SELECT starts = datetime('now', '-1 hours') OR starts = datetime('now', '-1 hours', "
     "'-1 seconds') FROM schedule"},
    {"\n    due date DEFAULT (date('now', '+7 days')),\n",
     "SELECT due = date('now', '+7 days') FROM schedule"},
    {"\n    remind timestamp without time zone DEFAULT (datetime('now', '+30 minutes')),\n",
     "SELECT abs(strftime('%s', remind) - strftime('%s', 'now', '+30 minutes')) <= 1 FROM "
     "schedule"},
    {"\n    day date DEFAULT CURRENT_DATE,\n", "SELECT day = date('now') FROM schedule"},
    {"\n    tomorrow timestamp with time zone DEFAULT (datetime('now', '+1 days')),\n",
     "SELECT abs(strftime('%s', tomorrow) - strftime('%s', 'now', '+1 days')) <= 1 FROM "
     "schedule"},
    {"\n    shifted timestamp without time zone DEFAULT (datetime('now', '+1 days', '-1 "
     "hours')),\n",
     "SELECT abs(strftime('%s', shifted) - strftime('%s', 'now', '+23 hours')) <= 1 FROM "
     "schedule"},
    {"\n    at_time time without time zone DEFAULT CURRENT_TIME,\n",
     "SELECT at_time GLOB '[0-2][0-9]:[0-5][0-9]:[0-5][0-9]' FROM schedule"},
    {"\n    before date DEFAULT (date('now', '+3 days')),\n",
     "SELECT before = date('now', '+3 days') FROM schedule"},
    {"\n    written timestamp without time zone DEFAULT (datetime('now', '-14 days', '-3 "
     "hours')),\n",
     "SELECT abs(strftime('%s', written) - strftime('%s', 'now', '-339 hours')) <= 1 FROM "
     "schedule"},
    /* the default converted to the column's type, as PostgreSQL assigns it */
    {"\n    stamped_on date DEFAULT CURRENT_DATE,\n",
     "SELECT stamped_on = date('now') FROM schedule"},
    {"\n    stamped_at time without time zone DEFAULT CURRENT_TIME,\n",
     "SELECT stamped_at GLOB '[0-2][0-9]:[0-5][0-9]:[0-5][0-9]' AND (86400 + strftime('%s', "
     "'2000-01-01 ' || time('now')) - strftime('%s', '2000-01-01 ' || stamped_at)) % 86400 <= 1 "
     "FROM schedule"},
    {"\n    midnight timestamp without time zone DEFAULT (datetime('now', 'start of day')),\n",
     "SELECT midnight = date('now') || ' 00:00:00' FROM schedule"},
    {"\n    midnight_cast timestamp with time zone DEFAULT (datetime('now', 'start of day')),\n",
     "SELECT midnight_cast = date('now') || ' 00:00:00' FROM schedule"},
    {"\n    week_on timestamp without time zone DEFAULT (datetime('now', '+7 days', 'start of "
     "day')),\n",
     "SELECT week_on = date('now', '+7 days') || ' 00:00:00' FROM schedule"},
    {"\n    opens_at timestamp without time zone DEFAULT (datetime('now', 'start of day', '+9 "
     "hours')),\n",
     "SELECT opens_at = date('now') || ' 09:00:00' FROM schedule"},
    {"\n    first_day timestamp without time zone DEFAULT (datetime('2020-01-01')),\n",
     "SELECT first_day = '2020-01-01 00:00:00' FROM schedule"},
    {"\n    last_day date DEFAULT (date('2020-01-01 23:59:59')),\n",
     "SELECT last_day = '2020-01-01' FROM schedule"},
    /* whole seconds, truncated where PostgreSQL rounds: docs/manifest.md says why that stands */
    {"\n    whole timestamp without time zone DEFAULT CURRENT_TIMESTAMP,\n",
     "SELECT abs(strftime('%s', whole) - strftime('%s', 'now')) <= 1 AND length(whole) = 19 FROM "
     "schedule"},
    {"\n    fixed date DEFAULT '2020-01-01',\n", "SELECT fixed = '2020-01-01' FROM schedule"},
    {"\n    every TEXT DEFAULT '1 mon',\n", "SELECT every = '1 mon' FROM schedule"},
};

START_TEST(test_moved_moment_default_becomes_sqlite_date_function)
{
    size_t n = (size_t)_i;
    translation t = {0};
    TRANSLATE_OK(&t, "schedule.sql");
    assert_contains(statement(&t, "CREATE TABLE schedule")->sql, schedule_columns[n].column);
    sqlite3 *db = run_in_sqlite(&t);
    exec_ok(db, "INSERT INTO schedule (id) VALUES (1)");
    assert_query(db, schedule_columns[n].query, "1");
    translation_free(&t);
}
END_TEST

START_TEST(test_moved_moments_have_sqlite_text_forms)
{
    translation t = {0};
    TRANSLATE_OK(&t, "schedule.sql");
    sqlite3 *db = run_in_sqlite(&t);
    exec_ok(db, "INSERT INTO schedule (id) VALUES (1)");
    assert_query(db,
                 "SELECT typeof(starts) || typeof(due) || typeof(day) || ' ' || "
                 "(length(starts) = 19 AND length(due) = 10 AND length(day) = 10 AND "
                 "length(shifted) = 19 AND length(at_time) = 8 AND length(stamped_on) = 10 AND "
                 "length(stamped_at) = 8 AND length(midnight) = 19) FROM schedule",
                 "texttexttext 1");
    translation_free(&t);
}
END_TEST

/* Two date/time columns of one type compare as their ISO text does: the CHECK stays. */
START_TEST(test_comparison_of_two_time_stamp_columns_is_kept)
{
    translation t = {0};
    TRANSLATE_OK(&t, "schedule.sql");
    assert_contains(statement(&t, "CREATE TABLE schedule")->sql,
                    "\n    CONSTRAINT schedule_order CHECK ((ends > starts))\n");
    sqlite3 *db = run_in_sqlite(&t);
    exec_ok(db, "INSERT INTO schedule (id, starts, ends) VALUES (1, '2020-01-01 10:00:00', "
                "'2020-01-01 11:00:00')");
    ck_assert_int_eq(exec_rc(db, "INSERT INTO schedule (id, starts, ends) VALUES (2, "
                                 "'2020-01-01 10:00:00', '2020-01-01 09:00:00')"),
                     SQLITE_CONSTRAINT);
    translation_free(&t);
}
END_TEST

/* ---- refused ---------------------------------------------------------------- */

static const struct {
    int line, column;
    const char *message;
} bad_dates[] = {
    {6, 61,
     "cannot translate interval '1 mon' to SQLite: SQLite adds months and years past the end of "
     "a shorter month (January 31 + 1 month is March 3 there, February 28 in PostgreSQL)"},
    {7, 54,
     "cannot translate date/time arithmetic \"now() + ('01:00:00'::interval * 2)\" to SQLite"},
    {8, 35,
     "cannot translate date/time arithmetic \"now() - '2020-01-01 00:00:00'::timestamp\" to "
     "SQLite"},
    {9, 33, "cannot translate the date/time cast \"(now())::text\" to SQLite"},
    {10, 54, "cannot translate interval '1.5 days' to SQLite"},
    {11, 55, "cannot translate date/time arithmetic \"opens + '1 day'::interval\" to SQLite"},
    {12, 48, "cannot translate the date/time cast \"(closes)::date\" to SQLite"},
    {15, 29,
     "cannot translate the default \"now()\" to SQLite: PostgreSQL would store its text, with "
     "fractional seconds and time zone"},
    {16, 48, "cannot translate date/time arithmetic \"closes - opens\" to SQLite"},
    {17, 43,
     "cannot translate the comparison \"day <= opens\" to SQLite: SQLite would compare a date's "
     "text with a time stamp's"},
    {18, 47,
     "cannot translate the comparison \"pause > '00:00:00'::interval\" to SQLite: SQLite would "
     "compare the intervals' text"},
};

START_TEST(test_untranslatable_date_time_arithmetic_is_an_error_at_its_place)
{
    size_t n = (size_t)_i;
    translation t = {0};
    TRANSLATE(&t, "bad_dates.sql");
    assert_failed(&t, sizeof bad_dates / sizeof bad_dates[0]);
    assert_diag(&t.diags.items[n], "schemas/bad_dates.sql", bad_dates[n].line, bad_dates[n].column,
                bad_dates[n].message);
    ck_assert_str_eq(t.diags.items[n].hint,
                     "write a SQLite version of this table in schemas/bad_dates.sqlite.sql; "
                     "foster uses it instead of schemas/bad_dates.sql on SQLite");
    translation_free(&t);
}
END_TEST

TCase *translate_sqlite_dates_tcase(void)
{
    TCase *dates = tcase_create("dates");
    tcase_add_loop_test(dates, test_moved_moment_default_becomes_sqlite_date_function, 0,
                        (int)(sizeof schedule_columns / sizeof schedule_columns[0]));
    tcase_add_test(dates, test_moved_moments_have_sqlite_text_forms);
    tcase_add_test(dates, test_comparison_of_two_time_stamp_columns_is_kept);
    tcase_add_loop_test(dates, test_untranslatable_date_time_arithmetic_is_an_error_at_its_place, 0,
                        (int)(sizeof bad_dates / sizeof bad_dates[0]));
    return dates;
}

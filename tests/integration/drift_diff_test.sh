#!/usr/bin/env bash
# drift_diff_test.sh — `foster diff` against a real PostgreSQL "owner"
# database: each kind of change made on the owner after a snapshot is found
# with the right table, object and file:line; two snapshots and hand-written
# DDL compared without a server; CHECKs compared as expressions; usage errors,
# an unreachable owner (no password shown) and an unreadable schema file; the
# make targets and the CI recipe that run it.
#
#   usage: drift_diff_test.sh FOSTER_BINARY [NAME_REGEX]
#
# The server, the hooks and the helpers are drift_lib.sh's: one throwaway
# PostgreSQL server for the whole file, a fresh owner database per test.
# Output: TAP, then a last line "N passed, M failed"; exit 0 only when M is 0
# (77 without PostgreSQL server binaries or pg_dump).

# shellcheck disable=SC2119 # snapshot (drift_lib.sh) takes arguments, none here
# shellcheck source=SCRIPTDIR/../harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness.sh" "$@"
# shellcheck source=SCRIPTDIR/drift_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/drift_lib.sh"

# ===========================================================================
# diff: each kind of change on the owner

test_diff_finds_a_column_the_owner_added() {
    snapshot
    expect_drift "ALTER TABLE trading_account ADD COLUMN nickname text NOT NULL DEFAULT ''" \
        "trading_account|column|nickname|missing||schemas/trading_account.sql:$(line_of "$WORK/schemas/trading_account.sql" '^CREATE TABLE public.trading_account')"
    assert_contains "$OUT" "+text NOT NULL DEFAULT ''::text"
}

test_diff_finds_a_column_the_owner_dropped() {
    snapshot
    expect_drift "ALTER TABLE auth_user DROP COLUMN email" \
        "auth_user|column|email|extra||schemas/auth_user.sql:$(line_of "$WORK/schemas/auth_user.sql" '^    email text')"
}

test_diff_finds_a_changed_type() {
    snapshot
    expect_drift "ALTER TABLE trading_account ALTER COLUMN balance TYPE numeric(16,2)" \
        "trading_account|column|balance|changed|type|schemas/trading_account.sql:$(line_of "$WORK/schemas/trading_account.sql" '^    balance ')"
    assert_contains "$OUT" $'-numeric(14,2)\n+numeric(16,2)'
}

test_diff_finds_changed_nullability() {
    snapshot
    expect_drift "ALTER TABLE auth_user ALTER COLUMN email SET NOT NULL" \
        "auth_user|column|email|changed|nullability|schemas/auth_user.sql:$(line_of "$WORK/schemas/auth_user.sql" '^    email text')"
}

test_diff_finds_a_changed_default() {
    snapshot
    expect_drift "ALTER TABLE trading_account ALTER COLUMN balance SET DEFAULT 10" \
        "trading_account|column|balance|changed|default|schemas/trading_account.sql:$(line_of "$WORK/schemas/trading_account.sql" '^    balance ')"
}

test_diff_finds_a_changed_primary_key() {
    snapshot
    expect_drift "ALTER TABLE trading_account DROP CONSTRAINT trading_account_pkey, ADD CONSTRAINT trading_account_pkey PRIMARY KEY (id, owner_id)" \
        "trading_account|primary key|trading_account_pkey|changed|definition|schemas/trading_account.sql:$(line_of "$WORK/schemas/trading_account.sql" 'ADD CONSTRAINT trading_account_pkey')"
    assert_contains "$OUT" $'-(id)\n+(id, owner_id)'
}

test_diff_finds_a_dropped_unique_key() {
    snapshot
    expect_drift "ALTER TABLE auth_user DROP CONSTRAINT auth_user_username_key" \
        "auth_user|unique|auth_user_username_key|extra||schemas/auth_user.sql:$(line_of "$WORK/schemas/auth_user.sql" 'ADD CONSTRAINT auth_user_username_key')"
}

test_diff_finds_a_changed_foreign_key() {
    snapshot
    expect_drift "ALTER TABLE trading_account DROP CONSTRAINT trading_account_owner_id_fkey, ADD CONSTRAINT trading_account_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES auth_user (id)" \
        "trading_account|foreign key|trading_account_owner_id_fkey|changed|definition|schemas/trading_account.sql:$(line_of "$WORK/schemas/trading_account.sql" 'ADD CONSTRAINT trading_account_owner_id_fkey')"
    assert_contains "$OUT" "-(owner_id) references auth_user(id) on delete cascade"
}

test_diff_finds_a_changed_check() {
    snapshot
    expect_drift "ALTER TABLE trading_account DROP CONSTRAINT trading_account_balance_check, ADD CONSTRAINT trading_account_balance_check CHECK (balance > -100)" \
        "trading_account|check|trading_account_balance_check|changed|definition|schemas/trading_account.sql:$(line_of "$WORK/schemas/trading_account.sql" 'CONSTRAINT trading_account_balance_check')"
}

test_diff_finds_a_renamed_constraint() {
    snapshot
    expect_drift "ALTER TABLE trading_account RENAME CONSTRAINT trading_account_balance_check TO balance_not_negative" \
        "trading_account|check|(balance >=(0)::numeric)|changed|name|schemas/trading_account.sql:$(line_of "$WORK/schemas/trading_account.sql" 'CONSTRAINT trading_account_balance_check')"
}

test_diff_finds_a_dropped_and_an_added_index() {
    snapshot
    expect_drift "DROP INDEX trading_account_name_idx; CREATE UNIQUE INDEX trading_account_owner_name ON trading_account (owner_id, name)" \
        "trading_account|index|trading_account_name_idx|extra||schemas/trading_account.sql:$(line_of "$WORK/schemas/trading_account.sql" '^CREATE INDEX trading_account_name_idx')
trading_account|index|trading_account_owner_name|missing||schemas/trading_account.sql:$(line_of "$WORK/schemas/trading_account.sql" '^CREATE TABLE public.trading_account')"
}

test_diff_finds_a_new_enum_value() {
    snapshot
    expect_drift "ALTER TYPE mood ADD VALUE 'ecstatic'" \
        "trading_account|enum|mood|changed|values|schemas/trading_account.sql:$(line_of "$WORK/schemas/trading_account.sql" '^CREATE TYPE public.mood')"
    assert_contains "$OUT" "+'sad', 'ok', 'happy', 'ecstatic'"
}

test_diff_finds_a_new_domain_check() {
    snapshot
    expect_drift "ALTER DOMAIN positive_int ADD CONSTRAINT below_1000 CHECK (VALUE < 1000)" \
        "trading_account|domain|positive_int|changed|definition|schemas/trading_account.sql:$(line_of "$WORK/schemas/trading_account.sql" '^CREATE DOMAIN public.positive_int')"
}

test_diff_finds_a_table_the_owner_dropped() {
    snapshot
    expect_drift "DROP TABLE trading_account" \
        "trading_account|table||extra||schemas/trading_account.sql:$(line_of "$WORK/schemas/trading_account.sql" '^CREATE TABLE public.trading_account')"
}

test_diff_ignores_comments_grants_and_owners_unless_strict() {
    snapshot
    psql_owner "COMMENT ON TABLE trading_account IS 'changed'; CREATE ROLE reader_$OWNER_DB; GRANT SELECT ON auth_user TO reader_$OWNER_DB" >/dev/null
    run_foster diff --against "$OWNER_URL"
    assert_exit 0
    run_foster diff --against "$OWNER_URL" --strict --json
    assert_exit 1
    assert_eq "auth_user|grant||missing||schemas/auth_user.sql:$(line_of schemas/auth_user.sql '^CREATE TABLE public.auth_user')
trading_account|comment||extra||schemas/trading_account.sql:$(line_of schemas/trading_account.sql '^COMMENT ON TABLE')
trading_account|comment||missing||schemas/trading_account.sql:$(line_of schemas/trading_account.sql '^CREATE TABLE public.trading_account')" \
        "$(differences)" "the differences with --strict"
    psql_owner "REVOKE ALL ON auth_user FROM reader_$OWNER_DB; DROP ROLE reader_$OWNER_DB" >/dev/null
}

# ===========================================================================
# diff: against another snapshot, usage and errors

test_diff_against_dir_compares_two_snapshots_without_a_server() {
    snapshot
    cp -R schemas published
    run_foster diff --against-dir published
    assert_exit 0
    psql_owner "ALTER TABLE auth_user ALTER COLUMN username TYPE varchar(200)" >/dev/null
    snapshot
    run_foster diff --against-dir published --json
    assert_exit 1
    assert_eq "auth_user|column|username|changed|type|schemas/auth_user.sql:$(line_of schemas/auth_user.sql '^    username ')" \
        "$(differences)"
    assert_contains "$OUT" '"their_file": "published/auth_user.sql"'
    rm published/trading_account.sql
    run_foster diff --against-dir published --json
    assert_exit 1
    assert_contains "$(differences)" "trading_account|table||extra|"
}

test_diff_finds_no_drift_between_hand_written_ddl_and_the_owners_dump() {
    snapshot
    mkdir hand
    cat >hand/auth_user.sql <<'SQL'
-- The same table as the owner's, written by hand: other spellings, inline keys.
CREATE TABLE auth_user (
    id serial PRIMARY KEY,
    username VARCHAR(150) NOT NULL UNIQUE,
    email TEXT
);
SQL
    cp schemas/trading_account.sql hand/
    run_foster diff --against-dir hand
    assert_exit 0
    assert_eq "foster: diff: no drift" "$ERR"
    sed -i 's/VARCHAR(150)/VARCHAR(160)/' hand/auth_user.sql
    run_foster diff --against-dir hand --json
    assert_exit 1
    assert_eq "auth_user|column|username|changed|type|schemas/auth_user.sql:$(line_of schemas/auth_user.sql '^    username ')" \
        "$(differences)"
    assert_contains "$OUT" '"their_file": "hand/auth_user.sql", "their_line": 4'
}

test_diff_compares_checks_as_expressions_not_as_text() {
    # The owner's server keeps its normal form of each CHECK: `((balance >= (0)::numeric))`,
    # `((name)::text = ANY ((ARRAY['x'::character varying, ...])::text[]))`, a BETWEEN as
    # two comparisons; the hand-written file keeps the spelling a person writes.
    psql_owner "ALTER TABLE trading_account ADD CONSTRAINT name_known CHECK (name IN ('x', 'y') OR char_length(name) BETWEEN 1 AND 100)" >/dev/null
    snapshot
    cat >schemas/trading_account.sql <<'SQL'
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);
CREATE TABLE trading_account (
    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    owner_id integer NOT NULL REFERENCES auth_user (id) ON DELETE CASCADE,
    name varchar(100) NOT NULL,
    balance numeric(14, 2) NOT NULL DEFAULT 0 CHECK (balance >= 0),
    feeling mood,
    quantity positive_int,
    created timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT name_known CHECK (name IN ('x', 'y') OR char_length(name) BETWEEN 1 AND 100)
);
CREATE INDEX trading_account_name_idx ON trading_account (name);
SQL
    assert_contains "$(psql_owner "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'name_known'")" \
        "::text = ANY ((ARRAY['x'::character varying" "the server's normal form"
    run_foster diff --against "$OWNER_URL"
    assert_exit 0
    assert_eq "foster: diff: no drift" "$ERR"
    psql_owner "ALTER TABLE trading_account DROP CONSTRAINT trading_account_balance_check, ADD CONSTRAINT trading_account_balance_check CHECK (balance >= 1)" >/dev/null
    run_foster diff --against "$OWNER_URL" --json
    assert_exit 1
    assert_eq "trading_account|check||extra||schemas/trading_account.sql:7
trading_account|check|trading_account_balance_check|missing||schemas/trading_account.sql:3" \
        "$(differences | grep '^trading_account')" "the differences after a real change"
    assert_contains "$OUT" '"ours": "balance >= 0", "theirs": null'
    assert_contains "$OUT" '"theirs": "(balance >=(1)::numeric)"'
}

test_diff_usage_errors_exit_2() {
    run_foster diff
    assert_exit 2
    assert_contains "$ERR" "diff takes one of --against URL and --against-dir DIR"
    run_foster diff --against "$OWNER_URL" --against-dir schemas
    assert_exit 2
    run_foster diff --against-dir schemas extra_argument
    assert_exit 2
    run_foster diff --check --against-dir schemas
    assert_exit 2
    assert_contains "$ERR" "--check is not an option of \`foster diff\`"
}

test_diff_of_an_unreachable_owner_exits_125_without_the_password() {
    snapshot
    run_foster diff --against "postgresql://postgres:s3cret-pw@127.0.0.1:1/nothing"
    assert_exit 125
    assert_contains "$ERR" "foster: error: pg_dump of postgresql://postgres:***@127.0.0.1:1/nothing failed"
    assert_not_contains "$OUT$ERR" "s3cret-pw"
}

test_diff_of_an_unreadable_schema_file_exits_125() {
    snapshot
    printf 'CREATE TABLE auth_user (id integer, name text' >schemas/auth_user.sql
    run_foster diff --against "$OWNER_URL"
    assert_exit 125
    assert_matches "$ERR" '^foster: error: schemas/auth_user.sql:1'
}

# ===========================================================================
# The CI recipe and the make targets

test_make_schema_drift_target_fails_on_drift_and_snapshot_target_fixes_it() {
    snapshot
    printf 'include %s/contrib/foster.mk\n' "$ROOT" >Makefile
    run_make() { make --no-print-directory FOSTER="$FOSTER" FOSTER_OWNER_URL="$OWNER_URL" "$@" >"$WORK/.out" 2>&1; STATUS=$?; OUT=$(cat "$WORK/.out"); }
    run_make schema-drift
    assert_eq 0 "$STATUS" "make schema-drift on a fresh snapshot"
    psql_owner "ALTER TABLE auth_user ADD COLUMN nickname text" >/dev/null
    run_make schema-drift
    assert_eq 2 "$STATUS" "make schema-drift after a change on the owner"
    assert_contains "$OUT" " column nickname: only in the owner's database (schemas/auth_user.sql:"
    run_make schema-snapshot
    assert_eq 0 "$STATUS" "make schema-snapshot"
    run_make schema-drift
    assert_eq 0 "$STATUS" "make schema-drift after the snapshot"
    make --no-print-directory FOSTER="$FOSTER" schema-drift >"$WORK/.out" 2>&1
    assert_contains "$(cat "$WORK/.out")" "set FOSTER_OWNER_URL"
}

test_github_actions_drift_recipe_runs_diff_nightly_against_the_owner() {
    python3 -c 'import yaml' 2>/dev/null || skip "no python3-yaml"
    local recipe=$ROOT/contrib/ci/schema-drift.yml command
    command=$(python3 - "$recipe" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
on = doc.get("on", doc.get(True))
assert "push" in on and on["schedule"][0]["cron"], on
drift = doc["jobs"]["owner-drift"]
assert drift["if"] == "github.event_name != 'push'", drift["if"]
assert drift["steps"][-1]["env"]["FOSTER_OWNER_URL"] == "${{ secrets.FOSTER_OWNER_URL }}"
assert "if" not in doc["jobs"]["models"]
assert doc["jobs"]["models"]["steps"][-1]["run"] == "python manage.py foster_check_models"
print(drift["steps"][-1]["run"])
PY
) || fail "the recipe's structure: $command"
    assert_eq 'foster diff --against "$FOSTER_OWNER_URL"' "$command" "the nightly step"
    snapshot
    mkdir bin && ln -s "$FOSTER" bin/foster
    PATH=$WORK/bin:$PATH FOSTER_OWNER_URL=$OWNER_URL bash -c "$command" >"$WORK/.out" 2>&1
    assert_eq 0 "$?" "the step on a fresh snapshot"
    psql_owner "ALTER TABLE trading_account DROP COLUMN quantity" >/dev/null
    PATH=$WORK/bin:$PATH FOSTER_OWNER_URL=$OWNER_URL bash -c "$command" >"$WORK/.out" 2>&1
    assert_eq 1 "$?" "the step after a change on the owner"
    assert_contains "$(cat "$WORK/.out")" " column quantity: only in our files (schemas/trading_account.sql:"
}

run_tests

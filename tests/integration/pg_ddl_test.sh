#!/usr/bin/env bash
# pg_ddl_test.sh — integration tests of the foster command on PostgreSQL: the owner's DDL (real pg_dump
# files), bad fixtures named by file and line, and `load`.
#
#   usage: pg_ddl_test.sh FOSTER_BINARY [NAME_REGEX]
#
# The server, the conventions and the hooks are pg_lib.sh's: one throwaway
# PostgreSQL server for the whole file, each test_* function one behaviour of
# the contract in docs/, nothing left after any of them. Output: TAP, then a
# last line "N passed, M failed"; exit 0 only when M is 0 (77 without
# PostgreSQL server binaries).

# shellcheck source=SCRIPTDIR/../harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness.sh" "$@"
# shellcheck source=SCRIPTDIR/pg_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/pg_lib.sh"

# Known bugs of foster (not of these tests): name -> why it fails.
# shellcheck disable=SC2034 # read by the harness
declare -A EXPECTED_FAILURES=(
)

# ===========================================================================
# The owner's DDL on PostgreSQL.

test_pgdump_files_provision_as_connecting_user() {
    cat >"$WORK/probe.sql" <<'EOF'
SELECT string_agg(n.nspname || '.' || c.relname || ':' || pg_get_userbyid(c.relowner), ' '
                  ORDER BY n.nspname, c.relname)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname IN ('public', 'billing') AND c.relkind = 'r';
SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname IN ('public', 'billing') AND c.relkind IN ('r', 'S')
   AND pg_get_userbyid(c.relowner) <> current_user;
SELECT coalesce(relacl::text, 'no grants') FROM pg_class WHERE oid = 'public."UserProfile"'::regclass;
SELECT (SELECT count(*) FROM public.author) || ' ' || (SELECT count(*) FROM public.book) || ' ' ||
       (SELECT count(*) FROM public.category) || ' ' || (SELECT count(*) FROM public.department) || ' ' ||
       (SELECT count(*) FROM public.employee) || ' ' || (SELECT count(*) FROM public."UserProfile") || ' ' ||
       (SELECT count(*) FROM public.event_log) || ' ' || (SELECT count(*) FROM billing.invoice);
SELECT parent_id FROM public.category WHERE id = 2;
SELECT payload->>'a' FROM public.event_log WHERE id = 1;
INSERT INTO public.author (name, email) VALUES ('New', 'new@example.com') RETURNING id;
INSERT INTO public."UserProfile" ("displayName") VALUES ('terry') RETURNING "Id";
INSERT INTO public.event_log (kind) VALUES ('note') RETURNING id;
INSERT INTO billing.invoice (author_id, amount) VALUES (1, 5) RETURNING id;
EOF
    # shellcheck disable=SC2016 # the command's own $1
    PATH=$PGBIN:$PATH foster_pg -q -c "$CASES/pgdump/foster.ini" run -- sh -c \
        'psql -XAtq -v ON_ERROR_STOP=1 -f "$1" || exit 1
         psql -XAtq -c "INSERT INTO public.book (author_id, title) VALUES (42, '"'x'"')" 2>&1 |
             sed -n "s/^ERROR: *//p"' probe "$WORK/probe.sql"
    assert_exit 0
    assert_eq "billing.invoice:foster_app public.UserProfile:foster_app public.author:foster_app public.book:foster_app public.category:foster_app public.department:foster_app public.employee:foster_app public.event_log:foster_app
0
no grants
2 2 3 1 2 1 2 1
3
1
3
2
6
2
insert or update on table \"book\" violates foreign key constraint \"book_author_id_fkey\"" \
        "$(grep -v '^INSERT ' <<<"$OUT")" "what the command saw"
    assert_runtime_empty
}

test_self_reference_and_cycle_load_and_keep_their_foreign_keys() {
    cat >"$WORK/probe.sql" <<'EOF'
SELECT string_agg(id || ':' || coalesce(parent_id::text, '-'), ' ' ORDER BY id) FROM node;
SELECT string_agg(id || ':' || lead_id, ' ' ORDER BY id) FROM team;
SELECT string_agg(id || ':' || team_id, ' ' ORDER BY id) FROM member;
SELECT string_agg(conrelid::regclass || '.' || conname || ':' || condeferred, ' ' ORDER BY conname)
  FROM pg_constraint WHERE contype = 'f';
EOF
    # shellcheck disable=SC2016 # the command's own $1 and $insert
    PATH=$PGBIN:$PATH foster_pg -q -c "$CASES/cycle/foster.ini" run -- sh -c '
        psql -XAtq -v ON_ERROR_STOP=1 -f "$1" || exit 1
        for insert in "INSERT INTO node VALUES (9, 99, '"'x'"')" \
                      "INSERT INTO team VALUES (9, '"'x'"', 99)" \
                      "INSERT INTO member VALUES (99, 9, '"'x'"')"; do
            psql -XAtq -c "$insert" 2>&1 | sed -n "s/^ERROR: *//p"
        done' probe "$WORK/probe.sql"
    assert_exit 0
    assert_eq '1:- 2:4 3:1 4:3
1:10 2:21
10:1 20:1 21:2
member.member_team_id_fkey:false node.node_parent_id_fkey:false team.team_lead_id_fkey:false
insert or update on table "node" violates foreign key constraint "node_parent_id_fkey"
insert or update on table "team" violates foreign key constraint "team_lead_id_fkey"
insert or update on table "member" violates foreign key constraint "member_team_id_fkey"' \
        "$OUT" "rows, foreign keys (not deferred) and rejected inserts"
    assert_runtime_empty
}

# pg_restore's order: tables, rows, then keys and indexes, then triggers. The
# owner's trigger (it notes every new account) exists afterwards and fires
# for the command's row, but did not fire for the fixture rows.
test_keys_indexes_and_triggers_come_after_the_rows() {
    cat >"$WORK/probe.sql" <<'EOF'
SELECT count(*) FROM account_audit;
SELECT string_agg(conname || ':' || contype::text, ' ' ORDER BY conname) FROM pg_constraint
 WHERE conrelid IN ('account'::regclass, 'entry'::regclass);
SELECT string_agg(indexname, ' ' ORDER BY indexname) FROM pg_indexes WHERE schemaname = 'public';
SELECT string_agg(tgname, ' ') FROM pg_trigger WHERE NOT tgisinternal;
SELECT (SELECT count(*) FROM account) || ' ' || (SELECT count(*) FROM entry);
INSERT INTO account VALUES (4, 'loan');
SELECT string_agg(account_id::text, ' ') FROM account_audit;
EOF
    use_case phases
    # shellcheck disable=SC2016 # the command's own $1
    PATH=$PGBIN:$PATH foster_pg -q run -- sh -c 'psql -XAtq -v ON_ERROR_STOP=1 -f "$1" &&
        psql -XAtq -c "INSERT INTO entry VALUES (9, 99, 1)" 2>&1 | sed -n "s/^ERROR: *//p"' \
        probe "$WORK/probe.sql"
    assert_exit 0
    assert_eq '0
account_name_check:c account_name_key:u account_pkey:p entry_account_id_fkey:f entry_pkey:p
account_name_key account_pkey entry_account_id_idx entry_pkey
account_noted
3 4
4
insert or update on table "entry" violates foreign key constraint "entry_account_id_fkey"' \
        "$(grep -v '^INSERT ' <<<"$OUT")" "audit rows, keys, indexes, trigger, rows, audit after insert"
    assert_eq "" "$(extra_databases)" "databases on the server"
    assert_runtime_empty
}

# A unique key built over the loaded rows names the row that repeats it, in
# the words PostgreSQL uses for a row refused on arrival.
test_unique_key_added_after_the_rows_names_the_repeating_line() {
    use_case phases
    printf 'id,name\n1,cash\n2,bank\n3,bank\n' >fixtures/account.csv
    foster_pg run -- true
    printf 'id,name\n1,cash\n2,bank\n3,card\n' >fixtures/account.csv
    assert_exit 125
    assert_contains "$ERR" 'foster: error: fixtures/account.csv:4: duplicate key value violates unique constraint "account_name_key": Key (name)=(bank) already exists.'
    assert_eq "" "$(extra_databases)" "databases on the server"
    assert_runtime_empty
}

# Keys built over the loaded rows (tests/data/pg/conflicts, a real pg_dump) that the rows
# break: the rows at fault are found by the key's own comparison, whatever the key's
# column names, type or operators, and named at their lines; nothing is left.
conflict() { # FIXTURE CONTENT EXPECTED_ERROR EXPECTED_HINT
    use_case conflicts
    cp "fixtures/$1" "$WORK/good.csv"
    printf '%b' "$2" >"fixtures/$1"
    foster_pg -q run -- true
    cp "$WORK/good.csv" "fixtures/$1"
    assert_exit 125
    assert_eq "foster: error: $3
hint: $4" "$ERR" "the error and the row it conflicts with"
    assert_eq "" "$(extra_databases)" "databases on the server"
    assert_runtime_empty
}

test_conflict_breaking_reserved_word_key_names_line() {
    conflict order.csv 'group,note\n1,a\n2,b\n1,c\n' \
        'fixtures/order.csv:4: duplicate key value violates unique constraint "order_pkey": Key ("group")=(1) already exists.' \
        'the row it conflicts with is fixtures/order.csv:2'
}

test_conflict_breaking_mixed_case_key_names_line() {
    conflict Person.csv 'Id,Name\n1,Ann\n2,Bob\n2,Cy\n' \
        'fixtures/Person.csv:4: duplicate key value violates unique constraint "Person_pkey": Key ("Id")=(2) already exists.' \
        'the row it conflicts with is fixtures/Person.csv:3'
}

test_conflict_breaking_composite_key_names_line() {
    conflict seat.csv 'row_no,seat_no,holder\n1,1,Ann\n1,2,Bob\n2,1,Cy\n2,2,Di\n1,2,Ed\n' \
        'fixtures/seat.csv:6: duplicate key value violates unique constraint "seat_pkey": Key (row_no, seat_no)=(1, 2) already exists.' \
        'the row it conflicts with is fixtures/seat.csv:3'
}

test_conflict_breaking_citext_key_names_line() {
    conflict login.csv 'name\nAnn\nBob\nann\n' \
        'fixtures/login.csv:4: duplicate key value violates unique constraint "login_pkey": Key (name)=(Ann) already exists.' \
        'the row it conflicts with is fixtures/login.csv:2'
}

test_conflict_breaking_expression_index_names_line() {
    conflict handle.csv 'id,name\n1,Ann\n2,Bob\n3,ANN\n' \
        'fixtures/handle.csv:4: duplicate key value violates unique constraint "handle_lower_name_key": Key (lower(name))=(ann) already exists.' \
        'the row it conflicts with is fixtures/handle.csv:2'
}

# Row 2 overlaps both, but the constraint's WHERE (room > 0) leaves it out.
test_conflict_breaking_exclusion_constraint_names_line() {
    conflict booking.csv 'id,room,during\n1,1,"[1,5)"\n2,0,"[2,6)"\n3,2,"[4,8)"\n' \
        'fixtures/booking.csv:4: conflicting key value violates exclusion constraint "booking_during_excl": Key (during)=([1,5)) conflicts with key (during)=([4,8)).' \
        'the row it conflicts with is fixtures/booking.csv:2'
}

# A foreign key validated after the rows (one join) names the row at fault,
# here in the second of the table's two fixture files.
test_foreign_key_added_after_the_rows_names_file_line_and_column() {
    use_case phases
    printf 'id,account_id,amount\n5,2,1.00\n6,8,2.00\n' >fixtures/entry_more.csv
    sed -i 's/^\[table entry\]$/[table entry]\nfixtures = entry.csv, entry_more.csv/' foster.ini
    foster_pg run -- true
    sed -i '/^fixtures = entry.csv, entry_more.csv$/d' foster.ini
    rm -f fixtures/entry_more.csv
    assert_exit 125
    assert_contains "$ERR" 'foster: error: fixtures/entry_more.csv:3:3: insert or update on table "entry" violates foreign key constraint "entry_account_id_fkey": Key (account_id)=(8) is not present in table "account".'
    assert_eq "" "$(extra_databases)" "databases on the server"
    assert_runtime_empty
}

# A schema of 300 indexes (sent as a pipeline, answered every 200) builds them all; one
# naming a missing column past the first 200 is named at its file and line.
long_schema() { # BAD_INDEX (0: none)
    mkdir -p "$WORK/long/schemas" "$WORK/long/fixtures"
    printf '[foster]\nname = long\n\n[table wide]\n' >"$WORK/long/foster.ini"
    printf 'id,v\n1,10\n2,20\n' >"$WORK/long/fixtures/wide.csv"
    {
        printf 'CREATE TABLE wide (id integer PRIMARY KEY, v integer NOT NULL);\n'
        for i in $(seq 1 300); do
            if [[ $i -eq $1 ]]; then
                printf 'CREATE INDEX wide_%d ON wide (nope);\n' "$i"
            else
                printf 'CREATE INDEX wide_%d ON wide ((v + %d));\n' "$i" "$i"
            fi
        done
    } >"$WORK/long/schemas/wide.sql"
    cd "$WORK/long" || fail "no $WORK/long"
}

test_a_long_schema_builds_every_index() {
    long_schema 0
    PATH=$PGBIN:$PATH foster_pg -q run -- psql -XAtq -c \
        "SELECT count(*) FROM pg_indexes WHERE tablename = 'wide'" -c "SELECT sum(v) FROM wide"
    assert_exit 0
    assert_eq "301
30" "$OUT" "indexes (300 and the key) and rows"
    assert_eq "" "$(extra_databases)" "databases on the server"
}

test_a_bad_index_deep_in_a_long_schema_is_named_at_its_line() {
    long_schema 250
    foster_pg run -- touch "$WORK/ran"
    assert_exit 125
    assert_contains "$ERR" 'foster: error: schemas/wide.sql:251: PostgreSQL rejected the statement: column "nope" does not exist'
    assert_not_contains "$ERR" "wide.sql:252"
    assert_eq "" "$(extra_databases)" "databases on the server"
    [[ ! -e $WORK/ran ]] || fail "the command ran"
    assert_runtime_empty
}

test_sequences_and_identities_continue_after_loaded_keys() {
    PATH=$PGBIN:$PATH foster_pg -q -c "$CASES/sequences/foster.ini" run -- psql -XAtq -v ON_ERROR_STOP=1 \
        -c "INSERT INTO ticket (title) VALUES ('new') RETURNING id" \
        -c "INSERT INTO note (body) VALUES ('new') RETURNING id" \
        -c "INSERT INTO tag (name) VALUES ('new') RETURNING id" \
        -c "INSERT INTO audit (what) VALUES ('new') RETURNING id"
    assert_exit 0
    assert_eq "42
101
10
13" "$(grep -v '^INSERT' <<<"$OUT")" "ids of new rows (serial 41+1, bigserial 100+1, identity 9+1 and 12+1)"
    assert_runtime_empty
}

# ===========================================================================
# Bad fixtures: foster fails, names file and line, leaves nothing.

check_bad_fixture_run() { # CASE EXPECTED_MESSAGE
    use_case "$1"
    foster_pg run -- touch "$WORK/ran"
    assert_exit 125
    assert_file_absent "$WORK/ran"
    assert_contains "$ERR" "foster: error: $2"
    local id
    id=$(run_line_id)
    assert_matches "$id" '^[0-9a-f]{8}$' "run id (the database was created before the load)"
    assert_database_absent "test_pgbad_$id"
    assert_eq "" "$(extra_databases)" "databases on the server"
    assert_no_password "$OUT$ERR" "foster's output"
    assert_runtime_empty
}

test_bad_integer_in_fixture_exits_125_naming_file_and_line() {
    check_bad_fixture_run bad_integer 'fixtures/pet.csv:4: invalid input syntax for type integer: "abc"'
    assert_contains "$ERR" 'hint: column 1 of the header, "id"'
}

test_foreign_key_violation_in_fixture_exits_125_naming_file_and_line() {
    check_bad_fixture_run bad_fk 'fixtures/pet.csv:4:3: insert or update on table "pet" violates foreign key constraint "pet_owner_id_fkey": Key (owner_id)=(7) is not present in table "person".'
}

# Django's dumpdata: an ArrayField as a string holding a JSON list (or a list), a
# JSONField's bare string as the JSON string it is (docs/django.md).
test_django_array_and_json_fields_load_as_arrays_and_json() {
    use_case django_arrays
    # shellcheck disable=SC2016 # the command's own $1
    PATH=$PGBIN:$PATH foster_pg -q run -- sh -c 'psql -XAtq -v ON_ERROR_STOP=1 -c "$1"' probe \
        "SELECT id, array_length(tags, 1), tags::text, coalesce(scores::text, '-'),
                coalesce(jsonb_typeof(meta), '-'), coalesce(meta #>> '{}', '-'), doc::text
           FROM app_item ORDER BY id;
         SELECT tags = ARRAY['a', 'b,c', 'say \"hi\"', 'back\\slash', '{x}', 'café', '']::varchar[]
           FROM app_item WHERE id = 1;
         SELECT tags[1] = 'NULL' AND tags[2] IS NULL FROM app_item WHERE id = 3"
    assert_exit 0
    assert_eq '1|7|{a,"b,c","say \"hi\"","back\\slash","{x}",café,""}|{1,NULL,-3}|string|plain|{"k":[1,"x"]}
2||{}|{7,8}|object|{"nested": {"ok": true}}|"also plain"
3|2|{"NULL",NULL}|-|-|-|true
t
t' "$OUT" "the rows as PostgreSQL holds them"
    assert_runtime_empty
}

test_array_field_that_is_no_json_list_is_named_at_its_field() {
    use_case django_arrays
    sed -i 's/"tags": "\[\]",/"tags": "a,b",/' fixtures/app_item.json
    local expected='fixtures/app_item.json:16:13: field "tags" of app.item (pk 2) is not a JSON list, but column "tags" is an array'
    run_foster -b postgres -u "$APP_URL" check
    assert_exit 1
    assert_contains "$ERR" "foster: error: $expected"
    foster_pg run -- true
    assert_exit 125
    assert_contains "$ERR" "foster: error: $expected"
    use_case django_arrays
    sed -i 's/"tags": "a,b",/"tags": "[]",/; s/"scores": \[7, 8\]/"scores": ["7", "eight"]/' fixtures/app_item.json
    foster_pg run -- true
    assert_exit 125
    assert_contains "$ERR" 'foster: error: fixtures/app_item.json:12: invalid input syntax for type integer: "eight"'
    assert_contains "$ERR" 'hint: column "scores"'
    assert_not_contains "$ERR" 'of the header'
    assert_eq "" "$(extra_databases)" "databases on the server"
    assert_runtime_empty
}

test_up_with_bad_fixture_exits_1_and_leaves_nothing() {
    use_case bad_integer
    foster_pg up
    assert_exit 1
    assert_eq "" "$OUT" "stdout (nothing to eval)"
    assert_contains "$ERR" 'foster: error: fixtures/pet.csv:4: invalid input syntax for type integer'
    assert_eq "" "$(extra_databases)" "databases on the server"
    assert_runtime_empty
}

test_check_on_postgres_backend_touches_no_server() {
    local port
    port=$(free_port) # nobody listens there
    run_foster -b postgres -u "postgresql://foster_app:$APP_PW@127.0.0.1:$port/postgres" \
        -c "$CASES/basic/foster.ini" check
    assert_exit 0
    assert_eq "foster: check: no problems found" "$ERR"
    use_case bad_csv
    run_foster -b postgres -u "postgresql://foster_app:$APP_PW@127.0.0.1:$port/postgres" check
    assert_exit 1
    assert_contains "$ERR" 'foster: error: fixtures/person.csv:3:3: unterminated quoted field'
    run_foster -b cluster check
    assert_exit 1
    assert_contains "$ERR" 'foster: error: fixtures/person.csv:3:3: unterminated quoted field'
    assert_runtime_empty
}

# The sqlite check (default backend) rejects this fixture (cli_test.sh
# test_check_foreign_key_violation_names_child_row); DESIGN's check "validates
# fixtures" whatever the backend.
test_check_on_postgres_backend_finds_foreign_key_violation() {
    use_case bad_fk
    run_foster check
    assert_exit 1 # the sqlite check does
    run_foster -b postgres -u "$APP_URL" check
    assert_exit 1
    assert_contains "$ERR" 'foster: error: fixtures/pet.csv:4:3: '
    assert_runtime_empty
}

# ===========================================================================
# load into PostgreSQL.

test_load_into_up_database_adds_rows() {
    foster_pg -q -c "$CASES/basic/foster.ini" up
    assert_exit 0
    eval "$OUT" # PGPASSWORD reaches the server for the URL without password
    run_foster -c "$CASES/basic/foster.ini" load --url "$DATABASE_URL" "$CASES/load/more/person.csv"
    assert_exit 0
    assert_matches "$ERR" "^foster: loaded person +2 rows from $CASES/load/more/person.csv"
    assert_eq "1,2,3,4,5" "$(psql_admin 'SELECT string_agg(id::text, $$,$$ ORDER BY id) FROM person' "$PGDATABASE")" "ids after load"
    assert_eq "<null>" "$(psql_admin "SELECT coalesce(email, '<null>') FROM person WHERE id = 5" "$PGDATABASE")" \
        "email of the row whose field was empty"
    run_foster -c "$CASES/basic/foster.ini" load --url "$DATABASE_URL" "$CASES/load/bad/person.csv"
    assert_exit 1
    assert_contains "$ERR" "foster: error: $CASES/load/bad/person.csv:3: invalid input syntax for type integer: \"seven\""
    assert_eq 5 "$(psql_admin 'SELECT count(*) FROM person' "$PGDATABASE")" "rows after a failed load"
    unset DATABASE_URL PGPASSWORD
    foster_pg -q -c "$CASES/basic/foster.ini" down
    assert_exit 0
    assert_runtime_empty
}

test_load_refuses_unmarked_database_even_with_force() {
    local name=handmade_$$
    make_unmarked_database "$name"
    local url="postgresql://foster_app:$APP_PW@127.0.0.1:$SERVER_PORT/$name"
    run_foster -c "$CASES/basic/foster.ini" load --url "$url" "$CASES/load/more/person.csv"
    assert_exit 1
    assert_contains "$ERR" "foster: error: refusing to load into postgresql://foster_app@127.0.0.1:$SERVER_PORT/$name: it is not a database foster created"
    assert_contains "$ERR" "hint: use --force to load anyway (the name must contain \"test\")"
    run_foster -c "$CASES/basic/foster.ini" load --force --url "$url" "$CASES/load/more/person.csv"
    assert_exit 1
    assert_contains "$ERR" "hint: --force works only for databases whose name contains \"test\""
    assert_no_password "$OUT$ERR" "output"
    assert_eq 1 "$(psql_admin 'SELECT count(*) FROM person' "$name")" "rows of the unmarked database"
    drop_database "$name"
}

test_load_force_into_unmarked_test_database() {
    local name=mytest_$$
    make_unmarked_database "$name"
    local url="postgresql://foster_app:$APP_PW@127.0.0.1:$SERVER_PORT/$name"
    run_foster -c "$CASES/basic/foster.ini" load --url "$url" "$CASES/load/more/person.csv"
    assert_exit 1
    assert_contains "$ERR" "refusing to load into"
    assert_eq 1 "$(psql_admin 'SELECT count(*) FROM person' "$name")" "rows without --force"
    run_foster -c "$CASES/basic/foster.ini" load --force --url "$url" "$CASES/load/more/person.csv"
    assert_exit 0
    assert_eq "1,4,5" "$(psql_admin 'SELECT string_agg(id::text, $$,$$ ORDER BY id) FROM person' "$name")" "ids with --force"
    assert_no_password "$OUT$ERR" "output"
    drop_database "$name"
}

run_tests

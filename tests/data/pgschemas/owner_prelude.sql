-- The owner's types, domains, sequences and functions: run before owner_tables.sql
-- to build the owner's database, and given to foster as [foster] prelude beside
-- per-table dumps (tests/integration/pgschemas_test.sh).
CREATE EXTENSION IF NOT EXISTS citext;
CREATE TYPE rating AS ENUM ('G', 'PG', 'PG-13', 'R');
CREATE DOMAIN year AS integer CONSTRAINT year_check CHECK (VALUE >= 1901 AND VALUE <= 2155);
CREATE DOMAIN short_code AS text NOT NULL DEFAULT 'xx' CHECK (length(VALUE) <= 4);
CREATE TYPE money_range AS RANGE (subtype = numeric);
CREATE TYPE address AS (street text, city text);
CREATE SEQUENCE shared_id_seq;
CREATE FUNCTION touch_last_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.last_update = now();
    INSERT INTO audit_log (table_name) VALUES (TG_TABLE_NAME);
    RETURN NEW;
END $$;
CREATE FUNCTION default_code() RETURNS text LANGUAGE sql AS $$ SELECT 'ab' $$;
CREATE FUNCTION unrelated() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;

-- owner_objects.sql — what a table needs that lives elsewhere in the owner's
-- database: an enum and a trigger function each in a schema of its own, a
-- nondeterministic ICU collation, a rule, and a table inheriting another.
CREATE SCHEMA types;
CREATE TYPE types.mood AS ENUM ('calm', 'angry');

CREATE SCHEMA util;
CREATE FUNCTION util.touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.touched := true;
    RETURN NEW;
END
$$;

CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);

CREATE TABLE person (
    id integer PRIMARY KEY,
    name text COLLATE ci NOT NULL,
    mood types.mood,
    touched boolean NOT NULL DEFAULT false
);
CREATE TRIGGER person_touch BEFORE UPDATE ON person
    FOR EACH ROW EXECUTE FUNCTION util.touch();
CREATE RULE person_kept AS ON DELETE TO person DO INSTEAD NOTHING;

CREATE TABLE vehicle (id integer PRIMARY KEY, wheels integer NOT NULL);
CREATE TABLE car (seats integer NOT NULL) INHERITS (vehicle);

-- Hand-written: ALTER TABLE forms a SQLite copy cannot reproduce.
CREATE TABLE public.gadget (
    id integer NOT NULL,
    old_name text,
    weight integer
);
ALTER TABLE public.gadget DROP COLUMN old_name;
ALTER TABLE public.gadget RENAME TO widget_gadget;
ALTER TABLE public.gadget ALTER COLUMN weight TYPE bigint;

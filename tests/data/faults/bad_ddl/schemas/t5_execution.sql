-- Translates to SQLite, but SQLite rejects it when it runs: the index names
-- a column the table does not have.
CREATE TABLE public.t5 (
    id integer NOT NULL,
    label text
);

CREATE INDEX t5_missing_idx ON public.t5 USING btree (no_such_column);

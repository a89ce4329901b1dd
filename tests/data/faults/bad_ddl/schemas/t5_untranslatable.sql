-- Valid PostgreSQL that SQLite cannot express: an exclusion constraint.
CREATE TABLE public.t5 (
    id integer NOT NULL,
    during tsrange NOT NULL,
    CONSTRAINT t5_no_overlap EXCLUDE USING gist (during WITH &&)
);

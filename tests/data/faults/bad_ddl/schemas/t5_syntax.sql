-- A syntax error: a comma with no column after it.
CREATE TABLE public.t5 (
    id integer NOT NULL,
    label text,
);

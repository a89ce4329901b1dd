CREATE TABLE public.human (
    id integer NOT NULL,
    name text NOT NULL
);

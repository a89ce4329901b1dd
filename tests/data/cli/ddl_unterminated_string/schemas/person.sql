CREATE TABLE public.person (
    id integer NOT NULL,
    name text DEFAULT 'nobody NOT NULL,
    email text
);

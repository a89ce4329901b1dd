-- Hand-written: string forms and expression defaults.
CREATE TABLE public.note (
    id integer NOT NULL,
    body text DEFAULT E'it\'s\nnew' NOT NULL,
    tag text DEFAULT $$it's$$,
    weight numeric DEFAULT (-1.5),
    ratio integer DEFAULT (1 + 2),
    shout text DEFAULT upper('hey'::text)
);

-- Hand-written: serial types and a nextval default written inline.
CREATE SEQUENCE public.counter_seq;
CREATE TABLE public.counter (
    id serial PRIMARY KEY,
    big bigserial,
    small serial2,
    seq_id integer DEFAULT nextval('public.counter_seq'::regclass) NOT NULL,
    label text
);
ALTER SEQUENCE public.counter_seq OWNED BY public.counter.seq_id;
SELECT pg_catalog.setval('public.counter_seq', 42, true);

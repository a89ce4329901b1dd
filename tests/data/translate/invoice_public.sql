-- Hand-written: a public table with the bare name of billing.invoice.
CREATE TABLE public.invoice (
    id integer NOT NULL
);

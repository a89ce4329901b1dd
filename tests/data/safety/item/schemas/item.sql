CREATE TABLE public.item (
    id integer NOT NULL,
    name text NOT NULL,
    qty integer NOT NULL
);

ALTER TABLE ONLY public.item
    ADD CONSTRAINT item_pkey PRIMARY KEY (id);

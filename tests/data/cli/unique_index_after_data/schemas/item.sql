CREATE TABLE public.item (
    id integer NOT NULL,
    code text NOT NULL,
    qty integer NOT NULL
);

ALTER TABLE ONLY public.item
    ADD CONSTRAINT item_pkey PRIMARY KEY (id);

CREATE UNIQUE INDEX item_code_idx ON public.item USING btree (code);

CREATE INDEX item_qty_idx ON public.item USING btree (qty);

CREATE TABLE public.t3 (
    id integer NOT NULL,
    label text
);

ALTER TABLE ONLY public.t3
    ADD CONSTRAINT t3_pkey PRIMARY KEY (id);

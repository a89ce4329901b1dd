CREATE TABLE public.t1 (
    id integer NOT NULL,
    label text
);

ALTER TABLE ONLY public.t1
    ADD CONSTRAINT t1_pkey PRIMARY KEY (id);

CREATE TABLE public.t2 (
    id integer NOT NULL,
    label text
);

ALTER TABLE ONLY public.t2
    ADD CONSTRAINT t2_pkey PRIMARY KEY (id);

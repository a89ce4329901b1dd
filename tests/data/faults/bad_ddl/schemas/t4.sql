CREATE TABLE public.t4 (
    id integer NOT NULL,
    label text
);

ALTER TABLE ONLY public.t4
    ADD CONSTRAINT t4_pkey PRIMARY KEY (id);

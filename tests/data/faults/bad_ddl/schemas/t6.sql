CREATE TABLE public.t6 (
    id integer NOT NULL,
    label text
);

ALTER TABLE ONLY public.t6
    ADD CONSTRAINT t6_pkey PRIMARY KEY (id);

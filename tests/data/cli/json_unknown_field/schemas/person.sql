CREATE TABLE public.person (
    id integer NOT NULL,
    name character varying(80) NOT NULL,
    active boolean NOT NULL
);
ALTER TABLE ONLY public.person ADD CONSTRAINT person_pkey PRIMARY KEY (id);

CREATE TABLE public.pet (
    id integer NOT NULL,
    owner_id integer NOT NULL,
    name text NOT NULL
);
ALTER TABLE ONLY public.pet ADD CONSTRAINT pet_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.pet ADD CONSTRAINT pet_owner_fk FOREIGN KEY (owner_id) REFERENCES public.person(id);

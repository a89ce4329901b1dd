--
-- Name: pet; Type: TABLE; Schema: public; Owner: people_service
--

CREATE TABLE public.pet (
    id integer NOT NULL,
    owner_id integer NOT NULL,
    name text NOT NULL
);


ALTER TABLE public.pet OWNER TO people_service;

ALTER TABLE ONLY public.pet
    ADD CONSTRAINT pet_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.pet
    ADD CONSTRAINT pet_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES public.person(id);

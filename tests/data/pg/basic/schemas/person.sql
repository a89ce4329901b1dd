--
-- Name: person; Type: TABLE; Schema: public; Owner: people_service
--

CREATE TABLE public.person (
    id integer NOT NULL,
    name text NOT NULL,
    email text
);


ALTER TABLE public.person OWNER TO people_service;

ALTER TABLE ONLY public.person
    ADD CONSTRAINT person_pkey PRIMARY KEY (id);

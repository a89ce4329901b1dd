--
-- Name: team; Type: TABLE; Schema: public; Owner: people_service
--

CREATE TABLE public.team (
    id integer NOT NULL,
    name text NOT NULL,
    lead_id integer NOT NULL
);


ALTER TABLE public.team OWNER TO people_service;

ALTER TABLE ONLY public.team
    ADD CONSTRAINT team_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.team
    ADD CONSTRAINT team_lead_id_fkey FOREIGN KEY (lead_id) REFERENCES public.member(id);

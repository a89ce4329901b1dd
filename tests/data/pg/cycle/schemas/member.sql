--
-- Name: member; Type: TABLE; Schema: public; Owner: people_service
--

CREATE TABLE public.member (
    id integer NOT NULL,
    team_id integer NOT NULL,
    name text NOT NULL
);


ALTER TABLE public.member OWNER TO people_service;

ALTER TABLE ONLY public.member
    ADD CONSTRAINT member_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.member
    ADD CONSTRAINT member_team_id_fkey FOREIGN KEY (team_id) REFERENCES public.team(id);

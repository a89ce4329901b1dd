--
-- Name: node; Type: TABLE; Schema: public; Owner: graph_service
--

CREATE TABLE public.node (
    id integer NOT NULL,
    parent_id integer,
    label text NOT NULL
);


ALTER TABLE public.node OWNER TO graph_service;

ALTER TABLE ONLY public.node
    ADD CONSTRAINT node_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.node
    ADD CONSTRAINT node_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES public.node(id);

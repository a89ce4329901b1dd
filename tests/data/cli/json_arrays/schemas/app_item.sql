--
-- Name: app_item; Type: TABLE; Schema: public; Owner: app
--

CREATE TABLE public.app_item (
    id integer NOT NULL,
    tags character varying(40)[] NOT NULL,
    scores integer[],
    meta jsonb,
    doc json
);

ALTER TABLE ONLY public.app_item
    ADD CONSTRAINT app_item_pkey PRIMARY KEY (id);

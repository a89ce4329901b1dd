CREATE TABLE public.ticket (
    id integer NOT NULL,
    title text NOT NULL
);

ALTER TABLE public.ticket OWNER TO support;

CREATE SEQUENCE public.ticket_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER TABLE public.ticket_id_seq OWNER TO support;

ALTER SEQUENCE public.ticket_id_seq OWNED BY public.ticket.id;

ALTER TABLE ONLY public.ticket ALTER COLUMN id SET DEFAULT nextval('public.ticket_id_seq'::regclass);

ALTER TABLE ONLY public.ticket
    ADD CONSTRAINT ticket_pkey PRIMARY KEY (id);

--
-- PostgreSQL database dump
--

\restrict Kq3TsyvS2pE7zR9

SET statement_timeout = 0;

--
-- Name: t; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.t (
    id integer NOT NULL
);

\unrestrict Kq3TsyvS2pE7zR9

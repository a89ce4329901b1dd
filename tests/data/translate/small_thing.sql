--
-- PostgreSQL database dump
--

\restrict e0vcnPrm1kqCrdHL3ovO2Np2lX4o5QfIKIXIcngzyi29hRepfNdbfVXM0eIBjL4

-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: small_thing; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.small_thing (
    id smallint NOT NULL,
    code character varying(8) COLLATE pg_catalog."POSIX"
);


ALTER TABLE public.small_thing OWNER TO postgres;

--
-- Name: small_thing_id_seq; Type: SEQUENCE; Schema: public; Owner: postgres
--

CREATE SEQUENCE public.small_thing_id_seq
    AS smallint
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.small_thing_id_seq OWNER TO postgres;

--
-- Name: small_thing_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: postgres
--

ALTER SEQUENCE public.small_thing_id_seq OWNED BY public.small_thing.id;


--
-- Name: small_thing id; Type: DEFAULT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.small_thing ALTER COLUMN id SET DEFAULT nextval('public.small_thing_id_seq'::regclass);


--
-- Name: small_thing small_thing_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.small_thing
    ADD CONSTRAINT small_thing_pkey PRIMARY KEY (id);


--
-- PostgreSQL database dump complete
--

\unrestrict e0vcnPrm1kqCrdHL3ovO2Np2lX4o5QfIKIXIcngzyi29hRepfNdbfVXM0eIBjL4


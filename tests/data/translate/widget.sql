--
-- PostgreSQL database dump
--

\restrict sodcRSggBgl2J6aKThEaT2HXxjNz49yKB32PKfvC3cY5gAkCkJKZundTAGaGfqN

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
-- Name: widget; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.widget (
    id integer NOT NULL,
    qty public.positive_int NOT NULL
);


ALTER TABLE public.widget OWNER TO postgres;

--
-- Name: widget_id_seq; Type: SEQUENCE; Schema: public; Owner: postgres
--

CREATE SEQUENCE public.widget_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.widget_id_seq OWNER TO postgres;

--
-- Name: widget_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: postgres
--

ALTER SEQUENCE public.widget_id_seq OWNED BY public.widget.id;


--
-- Name: widget id; Type: DEFAULT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.widget ALTER COLUMN id SET DEFAULT nextval('public.widget_id_seq'::regclass);


--
-- Name: widget widget_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.widget
    ADD CONSTRAINT widget_pkey PRIMARY KEY (id);


--
-- PostgreSQL database dump complete
--

\unrestrict sodcRSggBgl2J6aKThEaT2HXxjNz49yKB32PKfvC3cY5gAkCkJKZundTAGaGfqN


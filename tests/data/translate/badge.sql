--
-- PostgreSQL database dump
--

\restrict a6sFJ44aGMN6CWq7E8NMXIkcvcehULojzSqg8H3Z3Wst1leFjD2KaCwEuDnMyOp

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
-- Name: badge; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.badge (
    id integer NOT NULL,
    initials text,
    CONSTRAINT badge_initials_check CHECK ((initials = upper("left"(initials, 2))))
);


ALTER TABLE public.badge OWNER TO postgres;

--
-- Name: badge_id_seq; Type: SEQUENCE; Schema: public; Owner: postgres
--

CREATE SEQUENCE public.badge_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.badge_id_seq OWNER TO postgres;

--
-- Name: badge_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: postgres
--

ALTER SEQUENCE public.badge_id_seq OWNED BY public.badge.id;


--
-- Name: badge id; Type: DEFAULT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.badge ALTER COLUMN id SET DEFAULT nextval('public.badge_id_seq'::regclass);


--
-- Name: badge badge_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.badge
    ADD CONSTRAINT badge_pkey PRIMARY KEY (id);


--
-- PostgreSQL database dump complete
--

\unrestrict a6sFJ44aGMN6CWq7E8NMXIkcvcehULojzSqg8H3Z3Wst1leFjD2KaCwEuDnMyOp


--
-- PostgreSQL database dump
--

\restrict a6cMaIIT8p6j92U3TQBoM2xGZ7NFuzZVzvJ2akI1kzd2BiKrpSFCgXNh5AJQjbA

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
-- Name: profile; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.profile (
    id integer NOT NULL,
    handle text NOT NULL,
    created_at timestamp without time zone DEFAULT timezone('utc'::text, now()),
    seen_at timestamp without time zone DEFAULT (now() AT TIME ZONE 'utc'::text),
    code character varying(10),
    CONSTRAINT profile_code_check CHECK ((SUBSTRING(code FROM 1 FOR 2) = 'PR'::text)),
    CONSTRAINT profile_handle_check CHECK (((TRIM(BOTH FROM handle) <> ''::text) AND (ltrim(handle, '@'::text) = handle)))
);


ALTER TABLE public.profile OWNER TO postgres;

--
-- Name: profile_id_seq; Type: SEQUENCE; Schema: public; Owner: postgres
--

CREATE SEQUENCE public.profile_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.profile_id_seq OWNER TO postgres;

--
-- Name: profile_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: postgres
--

ALTER SEQUENCE public.profile_id_seq OWNED BY public.profile.id;


--
-- Name: profile id; Type: DEFAULT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.profile ALTER COLUMN id SET DEFAULT nextval('public.profile_id_seq'::regclass);


--
-- Name: profile profile_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.profile
    ADD CONSTRAINT profile_pkey PRIMARY KEY (id);


--
-- PostgreSQL database dump complete
--

\unrestrict a6cMaIIT8p6j92U3TQBoM2xGZ7NFuzZVzvJ2akI1kzd2BiKrpSFCgXNh5AJQjbA


--
-- PostgreSQL database dump
--

\restrict JQRTqYLzfiKSJZ3aW4FyWSPJv2zNSIUbuVcM9wGVcpVdhlvxDgzu29QrAuqPsWE

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

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

--
-- Name: types; Type: SCHEMA; Schema: -; Owner: postgres
--

CREATE SCHEMA types;


ALTER SCHEMA types OWNER TO postgres;

--
-- Name: util; Type: SCHEMA; Schema: -; Owner: postgres
--

CREATE SCHEMA util;


ALTER SCHEMA util OWNER TO postgres;

--
-- Name: ci; Type: COLLATION; Schema: public; Owner: postgres
--

CREATE COLLATION public.ci (provider = icu, deterministic = false, locale = 'und-u-ks-level2');


ALTER COLLATION public.ci OWNER TO postgres;

--
-- Name: mood; Type: TYPE; Schema: types; Owner: postgres
--

CREATE TYPE types.mood AS ENUM (
    'calm',
    'angry'
);


ALTER TYPE types.mood OWNER TO postgres;

--
-- Name: touch(); Type: FUNCTION; Schema: util; Owner: postgres
--

CREATE FUNCTION util.touch() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    NEW.touched := true;
    RETURN NEW;
END
$$;


ALTER FUNCTION util.touch() OWNER TO postgres;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: vehicle; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.vehicle (
    id integer NOT NULL,
    wheels integer NOT NULL
);


ALTER TABLE public.vehicle OWNER TO postgres;

--
-- Name: car; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.car (
    seats integer NOT NULL
)
INHERITS (public.vehicle);


ALTER TABLE public.car OWNER TO postgres;

--
-- Name: person; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.person (
    id integer NOT NULL,
    name text NOT NULL COLLATE public.ci,
    mood types.mood,
    touched boolean DEFAULT false NOT NULL
);


ALTER TABLE public.person OWNER TO postgres;

--
-- Name: person person_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.person
    ADD CONSTRAINT person_pkey PRIMARY KEY (id);


--
-- Name: vehicle vehicle_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.vehicle
    ADD CONSTRAINT vehicle_pkey PRIMARY KEY (id);


--
-- Name: person person_kept; Type: RULE; Schema: public; Owner: postgres
--

CREATE RULE person_kept AS
    ON DELETE TO public.person DO INSTEAD NOTHING;


--
-- Name: person person_touch; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER person_touch BEFORE UPDATE ON public.person FOR EACH ROW EXECUTE FUNCTION util.touch();


--
-- PostgreSQL database dump complete
--

\unrestrict JQRTqYLzfiKSJZ3aW4FyWSPJv2zNSIUbuVcM9wGVcpVdhlvxDgzu29QrAuqPsWE


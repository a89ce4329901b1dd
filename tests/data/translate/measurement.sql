--
-- PostgreSQL database dump
--

\restrict xFH82tLwA7L8MbjbIaFPXopLweWGel8gaVHeZoZG0Mk7E5owEv6Hko5kZUxNz07

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

--
-- Name: measurement; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.measurement (
    city_id integer NOT NULL,
    logdate date NOT NULL,
    peak integer
)
PARTITION BY RANGE (logdate);


ALTER TABLE public.measurement OWNER TO postgres;

--
-- PostgreSQL database dump complete
--

\unrestrict xFH82tLwA7L8MbjbIaFPXopLweWGel8gaVHeZoZG0Mk7E5owEv6Hko5kZUxNz07


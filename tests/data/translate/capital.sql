--
-- PostgreSQL database dump
--

\restrict mUMtx63vbJ5MculYYt3TiEsVLozFCU1puTbbGQR69rcFtZqOE2GRrXTJU3tWjqF

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
-- Name: capital; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.capital (
    state character(2) NOT NULL
)
INHERITS (public.city);


ALTER TABLE public.capital OWNER TO postgres;

--
-- PostgreSQL database dump complete
--

\unrestrict mUMtx63vbJ5MculYYt3TiEsVLozFCU1puTbbGQR69rcFtZqOE2GRrXTJU3tWjqF


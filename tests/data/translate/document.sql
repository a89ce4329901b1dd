--
-- PostgreSQL database dump
--

\restrict ufmDnXGV3T3uZxvx93sL2CJpXl3n912XE53xwwBMg1NXibOmyw4VAvLuHQCKtzS

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
-- Name: document; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.document (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    title text NOT NULL
);


ALTER TABLE public.document OWNER TO postgres;

--
-- Name: document document_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.document
    ADD CONSTRAINT document_pkey PRIMARY KEY (id);


--
-- PostgreSQL database dump complete
--

\unrestrict ufmDnXGV3T3uZxvx93sL2CJpXl3n912XE53xwwBMg1NXibOmyw4VAvLuHQCKtzS


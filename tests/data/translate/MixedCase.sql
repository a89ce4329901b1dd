--
-- PostgreSQL database dump
--

\restrict oFsp1b5GbpDpUKfGV89yzgpOKsQkCpaHIOf9nWyE9vdtv55Xp2mxInl1H8gN7c4

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
-- Name: MixedCase; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public."MixedCase" (
    "Id" integer NOT NULL,
    "DisplayName" text NOT NULL,
    "Order" integer
);


ALTER TABLE public."MixedCase" OWNER TO postgres;

--
-- Name: MixedCase_Id_seq; Type: SEQUENCE; Schema: public; Owner: postgres
--

CREATE SEQUENCE public."MixedCase_Id_seq"
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public."MixedCase_Id_seq" OWNER TO postgres;

--
-- Name: MixedCase_Id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: postgres
--

ALTER SEQUENCE public."MixedCase_Id_seq" OWNED BY public."MixedCase"."Id";


--
-- Name: MixedCase Id; Type: DEFAULT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public."MixedCase" ALTER COLUMN "Id" SET DEFAULT nextval('public."MixedCase_Id_seq"'::regclass);


--
-- Name: MixedCase MixedCase_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public."MixedCase"
    ADD CONSTRAINT "MixedCase_pkey" PRIMARY KEY ("Id");


--
-- PostgreSQL database dump complete
--

\unrestrict oFsp1b5GbpDpUKfGV89yzgpOKsQkCpaHIOf9nWyE9vdtv55Xp2mxInl1H8gN7c4


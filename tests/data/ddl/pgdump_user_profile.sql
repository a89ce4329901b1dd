--
-- PostgreSQL database dump
--

\restrict yyJq6xego9vXMSTgcmEIf56veefjpWkvClNsnvkJ9QA4Fchf8Qj4Tw9Ctv3Vvzr

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
-- Name: UserProfile; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public."UserProfile" (
    "Id" integer NOT NULL,
    "displayName" character varying(64) NOT NULL,
    author_id integer,
    "order" integer DEFAULT 0,
    score double precision
);


ALTER TABLE public."UserProfile" OWNER TO postgres;

--
-- Name: TABLE "UserProfile"; Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON TABLE public."UserProfile" IS 'profile; one per user';


--
-- Name: UserProfile_Id_seq; Type: SEQUENCE; Schema: public; Owner: postgres
--

CREATE SEQUENCE public."UserProfile_Id_seq"
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public."UserProfile_Id_seq" OWNER TO postgres;

--
-- Name: UserProfile_Id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: postgres
--

ALTER SEQUENCE public."UserProfile_Id_seq" OWNED BY public."UserProfile"."Id";


--
-- Name: UserProfile Id; Type: DEFAULT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public."UserProfile" ALTER COLUMN "Id" SET DEFAULT nextval('public."UserProfile_Id_seq"'::regclass);


--
-- Name: UserProfile UserProfile_displayName_key; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public."UserProfile"
    ADD CONSTRAINT "UserProfile_displayName_key" UNIQUE ("displayName");


--
-- Name: UserProfile UserProfile_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public."UserProfile"
    ADD CONSTRAINT "UserProfile_pkey" PRIMARY KEY ("Id");


--
-- Name: UserProfile UserProfile_author_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public."UserProfile"
    ADD CONSTRAINT "UserProfile_author_id_fkey" FOREIGN KEY (author_id) REFERENCES public.author(id) ON DELETE SET NULL;


--
-- Name: TABLE "UserProfile"; Type: ACL; Schema: public; Owner: postgres
--

GRANT SELECT ON TABLE public."UserProfile" TO app_reader;


--
-- PostgreSQL database dump complete
--

\unrestrict yyJq6xego9vXMSTgcmEIf56veefjpWkvClNsnvkJ9QA4Fchf8Qj4Tw9Ctv3Vvzr


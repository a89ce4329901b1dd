--
-- PostgreSQL database dump
--

\restrict nXutRnT1AHiGpD0LpC8iIaGa1YfIz0xiDwodVLpfUUAEZfvotJ8NjLEgbhV97Ig

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
-- Name: trading_company; Type: TABLE; Schema: public; Owner: trading_service
--

CREATE TABLE public.trading_company (
    id integer NOT NULL,
    name character varying(200) NOT NULL,
    ticker character varying(12) NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);


ALTER TABLE public.trading_company OWNER TO trading_service;

--
-- Name: trading_company_id_seq; Type: SEQUENCE; Schema: public; Owner: trading_service
--

CREATE SEQUENCE public.trading_company_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.trading_company_id_seq OWNER TO trading_service;

--
-- Name: trading_company_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: trading_service
--

ALTER SEQUENCE public.trading_company_id_seq OWNED BY public.trading_company.id;


--
-- Name: trading_company id; Type: DEFAULT; Schema: public; Owner: trading_service
--

ALTER TABLE ONLY public.trading_company ALTER COLUMN id SET DEFAULT nextval('public.trading_company_id_seq'::regclass);


--
-- Name: trading_company trading_company_pkey; Type: CONSTRAINT; Schema: public; Owner: trading_service
--

ALTER TABLE ONLY public.trading_company
    ADD CONSTRAINT trading_company_pkey PRIMARY KEY (id);


--
-- Name: trading_company trading_company_ticker_key; Type: CONSTRAINT; Schema: public; Owner: trading_service
--

ALTER TABLE ONLY public.trading_company
    ADD CONSTRAINT trading_company_ticker_key UNIQUE (ticker);


--
-- Name: TABLE trading_company; Type: ACL; Schema: public; Owner: trading_service
--

GRANT SELECT ON TABLE public.trading_company TO reporting;


--
-- PostgreSQL database dump complete
--

\unrestrict nXutRnT1AHiGpD0LpC8iIaGa1YfIz0xiDwodVLpfUUAEZfvotJ8NjLEgbhV97Ig


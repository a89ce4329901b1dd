--
-- PostgreSQL database dump
--

\restrict PoYSMtDPqZ4BxZgNBg1olwkTaWGFD0GCNhimRHXFenSsIj7t9JlZGhs2H2fTqJo

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
-- Name: trading_account; Type: TABLE; Schema: public; Owner: trading_service
--

CREATE TABLE public.trading_account (
    id integer NOT NULL,
    user_id integer NOT NULL,
    name character varying(100) NOT NULL,
    cash_balance numeric(14,2) DEFAULT 0 NOT NULL,
    opened_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT trading_account_cash_balance_check CHECK ((cash_balance >= (0)::numeric))
);


ALTER TABLE public.trading_account OWNER TO trading_service;

--
-- Name: COLUMN trading_account.cash_balance; Type: COMMENT; Schema: public; Owner: trading_service
--

COMMENT ON COLUMN public.trading_account.cash_balance IS 'Settled cash in EUR; never negative.';


--
-- Name: trading_account_id_seq; Type: SEQUENCE; Schema: public; Owner: trading_service
--

CREATE SEQUENCE public.trading_account_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.trading_account_id_seq OWNER TO trading_service;

--
-- Name: trading_account_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: trading_service
--

ALTER SEQUENCE public.trading_account_id_seq OWNED BY public.trading_account.id;


--
-- Name: trading_account id; Type: DEFAULT; Schema: public; Owner: trading_service
--

ALTER TABLE ONLY public.trading_account ALTER COLUMN id SET DEFAULT nextval('public.trading_account_id_seq'::regclass);


--
-- Name: trading_account trading_account_pkey; Type: CONSTRAINT; Schema: public; Owner: trading_service
--

ALTER TABLE ONLY public.trading_account
    ADD CONSTRAINT trading_account_pkey PRIMARY KEY (id);


--
-- Name: trading_account_user_id_idx; Type: INDEX; Schema: public; Owner: trading_service
--

CREATE INDEX trading_account_user_id_idx ON public.trading_account USING btree (user_id);


--
-- Name: trading_account trading_account_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: trading_service
--

ALTER TABLE ONLY public.trading_account
    ADD CONSTRAINT trading_account_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.auth_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: TABLE trading_account; Type: ACL; Schema: public; Owner: trading_service
--

GRANT SELECT ON TABLE public.trading_account TO reporting;


--
-- PostgreSQL database dump complete
--

\unrestrict PoYSMtDPqZ4BxZgNBg1olwkTaWGFD0GCNhimRHXFenSsIj7t9JlZGhs2H2fTqJo


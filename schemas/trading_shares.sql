--
-- PostgreSQL database dump
--

\restrict NeufgcGXUpQAlxtcdKnyXJfNTENoFr77IUp64ym2yb9XDzaX1uj1ipXaaZpNK1F

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
-- Name: trading_shares; Type: TABLE; Schema: public; Owner: trading_service
--

CREATE TABLE public.trading_shares (
    id integer NOT NULL,
    account_id integer NOT NULL,
    company_id integer NOT NULL,
    quantity integer NOT NULL,
    CONSTRAINT trading_shares_quantity_check CHECK ((quantity >= 0))
);


ALTER TABLE public.trading_shares OWNER TO trading_service;

--
-- Name: trading_shares_id_seq; Type: SEQUENCE; Schema: public; Owner: trading_service
--

CREATE SEQUENCE public.trading_shares_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.trading_shares_id_seq OWNER TO trading_service;

--
-- Name: trading_shares_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: trading_service
--

ALTER SEQUENCE public.trading_shares_id_seq OWNED BY public.trading_shares.id;


--
-- Name: trading_shares id; Type: DEFAULT; Schema: public; Owner: trading_service
--

ALTER TABLE ONLY public.trading_shares ALTER COLUMN id SET DEFAULT nextval('public.trading_shares_id_seq'::regclass);


--
-- Name: trading_shares trading_shares_account_company_uniq; Type: CONSTRAINT; Schema: public; Owner: trading_service
--

ALTER TABLE ONLY public.trading_shares
    ADD CONSTRAINT trading_shares_account_company_uniq UNIQUE (account_id, company_id);


--
-- Name: trading_shares trading_shares_pkey; Type: CONSTRAINT; Schema: public; Owner: trading_service
--

ALTER TABLE ONLY public.trading_shares
    ADD CONSTRAINT trading_shares_pkey PRIMARY KEY (id);


--
-- Name: trading_shares_company_id_idx; Type: INDEX; Schema: public; Owner: trading_service
--

CREATE INDEX trading_shares_company_id_idx ON public.trading_shares USING btree (company_id);


--
-- Name: trading_shares trading_shares_account_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: trading_service
--

ALTER TABLE ONLY public.trading_shares
    ADD CONSTRAINT trading_shares_account_id_fkey FOREIGN KEY (account_id) REFERENCES public.trading_account(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: trading_shares trading_shares_company_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: trading_service
--

ALTER TABLE ONLY public.trading_shares
    ADD CONSTRAINT trading_shares_company_id_fkey FOREIGN KEY (company_id) REFERENCES public.trading_company(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: TABLE trading_shares; Type: ACL; Schema: public; Owner: trading_service
--

GRANT SELECT ON TABLE public.trading_shares TO reporting;


--
-- PostgreSQL database dump complete
--

\unrestrict NeufgcGXUpQAlxtcdKnyXJfNTENoFr77IUp64ym2yb9XDzaX1uj1ipXaaZpNK1F


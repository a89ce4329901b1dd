--
-- PostgreSQL database dump
--

\restrict s4XazMtSQ9tb2QR5ZlN90Fzqc4pUUH7FqW51l7B2IIog7HgCsWckuWgUKdzHNGR

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
-- Name: invoice; Type: TABLE; Schema: billing; Owner: postgres
--

CREATE TABLE billing.invoice (
    id integer NOT NULL,
    account_id integer NOT NULL,
    total numeric(12,2) DEFAULT 0 NOT NULL,
    issued_at timestamp with time zone DEFAULT now()
);


ALTER TABLE billing.invoice OWNER TO postgres;

--
-- Name: invoice_id_seq; Type: SEQUENCE; Schema: billing; Owner: postgres
--

CREATE SEQUENCE billing.invoice_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE billing.invoice_id_seq OWNER TO postgres;

--
-- Name: invoice_id_seq; Type: SEQUENCE OWNED BY; Schema: billing; Owner: postgres
--

ALTER SEQUENCE billing.invoice_id_seq OWNED BY billing.invoice.id;


--
-- Name: invoice id; Type: DEFAULT; Schema: billing; Owner: postgres
--

ALTER TABLE ONLY billing.invoice ALTER COLUMN id SET DEFAULT nextval('billing.invoice_id_seq'::regclass);


--
-- Name: invoice invoice_pkey; Type: CONSTRAINT; Schema: billing; Owner: postgres
--

ALTER TABLE ONLY billing.invoice
    ADD CONSTRAINT invoice_pkey PRIMARY KEY (id);


--
-- Name: invoice_account_idx; Type: INDEX; Schema: billing; Owner: postgres
--

CREATE INDEX invoice_account_idx ON billing.invoice USING btree (account_id);


--
-- Name: invoice invoice_account_id_fkey; Type: FK CONSTRAINT; Schema: billing; Owner: postgres
--

ALTER TABLE ONLY billing.invoice
    ADD CONSTRAINT invoice_account_id_fkey FOREIGN KEY (account_id) REFERENCES public.account(id);


--
-- PostgreSQL database dump complete
--

\unrestrict s4XazMtSQ9tb2QR5ZlN90Fzqc4pUUH7FqW51l7B2IIog7HgCsWckuWgUKdzHNGR


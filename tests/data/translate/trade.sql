--
-- PostgreSQL database dump
--

\restrict U6XkDDxQQWZT6ggKPu0DQi8bILbJSW81kh94wUcM0BM2EW97y1dtQdZAevZFbLo

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
-- Name: trade; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.trade (
    id bigint NOT NULL,
    account_id integer NOT NULL,
    quantity integer NOT NULL,
    price numeric(10,2) NOT NULL,
    side "char" DEFAULT 'b'::"char" NOT NULL,
    note text COLLATE pg_catalog."C",
    traded_at timestamp without time zone DEFAULT LOCALTIMESTAMP,
    CONSTRAINT trade_price_check CHECK ((price > (0)::numeric)),
    CONSTRAINT trade_quantity_check CHECK ((quantity > 0))
);


ALTER TABLE public.trade OWNER TO postgres;

--
-- Name: trade_id_seq; Type: SEQUENCE; Schema: public; Owner: postgres
--

ALTER TABLE public.trade ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.trade_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: trade trade_account_qty_key; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.trade
    ADD CONSTRAINT trade_account_qty_key UNIQUE (account_id, quantity);


--
-- Name: trade trade_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.trade
    ADD CONSTRAINT trade_pkey PRIMARY KEY (id);


--
-- Name: trade trade_account_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.trade
    ADD CONSTRAINT trade_account_id_fkey FOREIGN KEY (account_id) REFERENCES public.account(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED;


--
-- PostgreSQL database dump complete
--

\unrestrict U6XkDDxQQWZT6ggKPu0DQi8bILbJSW81kh94wUcM0BM2EW97y1dtQdZAevZFbLo


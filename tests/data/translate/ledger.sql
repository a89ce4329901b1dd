--
-- PostgreSQL database dump
--

\restrict WKcha3SSGOtsUTRXhukn7e5byriYNeUNBNcYU6E27Q0iExjzwCwrRiyChAwcEeY

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
-- Name: ledger; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.ledger (
    id bigint NOT NULL,
    memo text DEFAULT 'n/a'::text NOT NULL,
    amount numeric(14,2) DEFAULT 0.00 NOT NULL,
    booked timestamp with time zone DEFAULT statement_timestamp(),
    CONSTRAINT ledger_amount_check CHECK ((amount <> (0)::numeric(14,2)))
);
ALTER TABLE ONLY public.ledger ALTER COLUMN memo SET STATISTICS 500;
ALTER TABLE ONLY public.ledger ALTER COLUMN memo SET STORAGE EXTERNAL;

ALTER TABLE ONLY public.ledger REPLICA IDENTITY FULL;


ALTER TABLE public.ledger OWNER TO postgres;

--
-- Name: TABLE ledger; Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON TABLE public.ledger IS 'money moves';


--
-- Name: COLUMN ledger.memo; Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON COLUMN public.ledger.memo IS 'free text';


--
-- Name: ledger_id_seq; Type: SEQUENCE; Schema: public; Owner: postgres
--

ALTER TABLE public.ledger ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.ledger_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: ledger ledger_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.ledger
    ADD CONSTRAINT ledger_pkey PRIMARY KEY (id);

ALTER TABLE public.ledger CLUSTER ON ledger_pkey;


--
-- Name: ledger; Type: ROW SECURITY; Schema: public; Owner: postgres
--

ALTER TABLE public.ledger ENABLE ROW LEVEL SECURITY;

--
-- Name: ledger ledger_all; Type: POLICY; Schema: public; Owner: postgres
--

CREATE POLICY ledger_all ON public.ledger USING (true);


--
-- Name: TABLE ledger; Type: ACL; Schema: public; Owner: postgres
--

GRANT SELECT ON TABLE public.ledger TO PUBLIC;


--
-- PostgreSQL database dump complete
--

\unrestrict WKcha3SSGOtsUTRXhukn7e5byriYNeUNBNcYU6E27Q0iExjzwCwrRiyChAwcEeY


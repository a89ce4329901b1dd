--
-- PostgreSQL database dump
--

\restrict viXKtbohx6BmDwYFMKHocyOcAehRnHnlSKoe5iZbJfEhDxcoQK3rgi3aMdJiDkX

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
-- Name: account; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.account (
    id integer NOT NULL,
    username character varying(150) NOT NULL,
    email character varying(254) DEFAULT ''::character varying NOT NULL,
    balance numeric(12,2) DEFAULT 0 NOT NULL,
    status character varying(10) DEFAULT 'active'::character varying NOT NULL,
    is_staff boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp(6) with time zone,
    joined_on date DEFAULT CURRENT_DATE,
    settings jsonb DEFAULT '{}'::jsonb NOT NULL,
    tags text[] DEFAULT '{}'::text[] NOT NULL,
    scores integer[],
    referrer_id integer,
    CONSTRAINT account_balance_check CHECK ((balance >= (0)::numeric)),
    CONSTRAINT account_status_check CHECK (((status)::text = ANY ((ARRAY['active'::character varying, 'closed'::character varying])::text[]))),
    CONSTRAINT account_username_check CHECK (((username)::text !~~ '% %'::text))
);


ALTER TABLE public.account OWNER TO postgres;

--
-- Name: account_id_seq; Type: SEQUENCE; Schema: public; Owner: postgres
--

CREATE SEQUENCE public.account_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.account_id_seq OWNER TO postgres;

--
-- Name: account_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: postgres
--

ALTER SEQUENCE public.account_id_seq OWNED BY public.account.id;


--
-- Name: account id; Type: DEFAULT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.account ALTER COLUMN id SET DEFAULT nextval('public.account_id_seq'::regclass);


--
-- Name: account account_email_check; Type: CHECK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE public.account
    ADD CONSTRAINT account_email_check CHECK (((email)::text <> ''::text)) NOT VALID;


--
-- Name: account account_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.account
    ADD CONSTRAINT account_pkey PRIMARY KEY (id);


--
-- Name: account account_username_key; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.account
    ADD CONSTRAINT account_username_key UNIQUE (username);


--
-- Name: account_active_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX account_active_idx ON public.account USING btree (username) WHERE ((status)::text = 'active'::text);


--
-- Name: account_created_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX account_created_idx ON public.account USING btree (created_at DESC NULLS LAST);


--
-- Name: account_email_like; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX account_email_like ON public.account USING btree (email varchar_pattern_ops);


--
-- Name: account_lower_email_key; Type: INDEX; Schema: public; Owner: postgres
--

CREATE UNIQUE INDEX account_lower_email_key ON public.account USING btree (lower((email)::text));


--
-- Name: account_tags_gin; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX account_tags_gin ON public.account USING gin (tags);


--
-- Name: account account_referrer_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.account
    ADD CONSTRAINT account_referrer_id_fkey FOREIGN KEY (referrer_id) REFERENCES public.account(id) ON DELETE SET NULL;


--
-- PostgreSQL database dump complete
--

\unrestrict viXKtbohx6BmDwYFMKHocyOcAehRnHnlSKoe5iZbJfEhDxcoQK3rgi3aMdJiDkX


--
-- PostgreSQL database dump
--

\restrict LDRD1hz40f0qnUxk6gGgWKPF82fu1uEjzanRprHUR5oHSUf87VTcm3lPmqAR2pw

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
-- Name: book; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.book (
    id integer NOT NULL,
    author_id integer NOT NULL,
    title text NOT NULL,
    isbn character(13),
    price numeric(12,2) DEFAULT 0 NOT NULL,
    tags text[] DEFAULT '{}'::text[],
    published_on date,
    CONSTRAINT book_price_check CHECK ((price >= (0)::numeric))
);


ALTER TABLE public.book OWNER TO postgres;

--
-- Name: book_id_seq; Type: SEQUENCE; Schema: public; Owner: postgres
--

ALTER TABLE public.book ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.book_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: book book_isbn_key; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.book
    ADD CONSTRAINT book_isbn_key UNIQUE (isbn);


--
-- Name: book book_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.book
    ADD CONSTRAINT book_pkey PRIMARY KEY (id);


--
-- Name: book_author_id_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX book_author_id_idx ON public.book USING btree (author_id);


--
-- Name: book_priced_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX book_priced_idx ON public.book USING btree (price) WHERE (price > (0)::numeric);


--
-- Name: book book_author_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.book
    ADD CONSTRAINT book_author_id_fkey FOREIGN KEY (author_id) REFERENCES public.author(id) ON DELETE CASCADE;


--
-- PostgreSQL database dump complete
--

\unrestrict LDRD1hz40f0qnUxk6gGgWKPF82fu1uEjzanRprHUR5oHSUf87VTcm3lPmqAR2pw


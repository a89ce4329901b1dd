--
-- PostgreSQL database dump
--

\restrict cbfAGdQIUCbuVPBlPZNhFvqHfEll5eZifRAXbNjUUWernka9zbPkXodQTBuUwxa

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

--
-- Name: mood; Type: TYPE; Schema: public; Owner: postgres
--

CREATE TYPE public.mood AS ENUM (
    'happy',
    'sad'
);


ALTER TYPE public.mood OWNER TO postgres;

--
-- Name: touch(); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.touch() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN NEW.touched := now(); RETURN NEW; END $$;


ALTER FUNCTION public.touch() OWNER TO postgres;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: diary; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.diary (
    id integer NOT NULL,
    feeling public.mood NOT NULL,
    body text,
    touched timestamp with time zone
);


ALTER TABLE public.diary OWNER TO postgres;

--
-- Name: diary_id_seq; Type: SEQUENCE; Schema: public; Owner: postgres
--

CREATE SEQUENCE public.diary_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.diary_id_seq OWNER TO postgres;

--
-- Name: diary_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: postgres
--

ALTER SEQUENCE public.diary_id_seq OWNED BY public.diary.id;


--
-- Name: happy_diary; Type: VIEW; Schema: public; Owner: postgres
--

CREATE VIEW public.happy_diary AS
 SELECT diary.id,
    diary.body
   FROM public.diary
  WHERE (diary.feeling = 'happy'::public.mood);


ALTER TABLE public.happy_diary OWNER TO postgres;

--
-- Name: diary id; Type: DEFAULT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.diary ALTER COLUMN id SET DEFAULT nextval('public.diary_id_seq'::regclass);


--
-- Name: diary diary_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.diary
    ADD CONSTRAINT diary_pkey PRIMARY KEY (id);


--
-- Name: diary diary_touch; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER diary_touch BEFORE UPDATE ON public.diary FOR EACH ROW EXECUTE FUNCTION public.touch();


--
-- PostgreSQL database dump complete
--

\unrestrict cbfAGdQIUCbuVPBlPZNhFvqHfEll5eZifRAXbNjUUWernka9zbPkXodQTBuUwxa


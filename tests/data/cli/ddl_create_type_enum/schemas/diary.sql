--
-- Name: mood; Type: TYPE; Schema: public; Owner: diary_service
--

CREATE TYPE public.mood AS ENUM (
    'happy',
    'sad'
);

CREATE TABLE public.diary (
    id integer NOT NULL,
    feeling public.mood NOT NULL,
    body text
);

--
-- Name: note_account(); Type: FUNCTION; Schema: public; Owner: ledger
--

CREATE FUNCTION public.note_account() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO public.account_audit (account_id) VALUES (NEW.id);
    RETURN NEW;
END
$$;


ALTER FUNCTION public.note_account() OWNER TO ledger;

--
-- Name: account; Type: TABLE; Schema: public; Owner: ledger
--

CREATE TABLE public.account (
    id integer NOT NULL,
    name text NOT NULL,
    CONSTRAINT account_name_check CHECK ((name <> ''::text))
);


ALTER TABLE public.account OWNER TO ledger;

ALTER TABLE ONLY public.account
    ADD CONSTRAINT account_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.account
    ADD CONSTRAINT account_name_key UNIQUE (name);

CREATE TRIGGER account_noted AFTER INSERT ON public.account FOR EACH ROW EXECUTE FUNCTION public.note_account();

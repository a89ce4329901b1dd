--
-- Name: account_audit; Type: TABLE; Schema: public; Owner: ledger
--

CREATE TABLE public.account_audit (
    account_id integer NOT NULL,
    noted_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: entry; Type: TABLE; Schema: public; Owner: ledger
--

CREATE TABLE public.entry (
    id integer NOT NULL,
    account_id integer NOT NULL,
    amount numeric(12,2) NOT NULL
);


ALTER TABLE public.entry OWNER TO ledger;

ALTER TABLE ONLY public.entry
    ADD CONSTRAINT entry_pkey PRIMARY KEY (id);

CREATE INDEX entry_account_id_idx ON public.entry USING btree (account_id);

ALTER TABLE ONLY public.entry
    ADD CONSTRAINT entry_account_id_fkey FOREIGN KEY (account_id) REFERENCES public.account(id);

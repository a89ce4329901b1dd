-- Hand-written: constraints added to a table another file creates.
ALTER TABLE ONLY public.account
    ADD CONSTRAINT account_staff_email_check CHECK (((NOT is_staff) OR ((email)::text ~~ '%@example.com'::text)));
CREATE INDEX account_referrer_idx ON public.account USING hash (referrer_id);

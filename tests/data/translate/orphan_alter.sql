-- Hand-written: changes a table none of the files creates.
ALTER TABLE ONLY public.nowhere
    ADD CONSTRAINT nowhere_pkey PRIMARY KEY (id);
CREATE INDEX nowhere_idx ON public.nowhere USING btree (id);

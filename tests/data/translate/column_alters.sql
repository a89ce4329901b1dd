-- Hand-written: ALTER COLUMN forms folded into the CREATE TABLE.
CREATE TABLE public.setting (
    key character varying(64),
    value text,
    "index" integer,
    span interval day to second(3),
    note text DEFAULT 'none'::text
);
ALTER TABLE ONLY public.setting ALTER COLUMN key SET NOT NULL;
ALTER TABLE ONLY public.setting ALTER COLUMN value SET DEFAULT 'unset'::text;
ALTER TABLE public.setting ALTER note DROP DEFAULT, ADD CONSTRAINT setting_pkey PRIMARY KEY (key) WITH (fillfactor='90') USING INDEX TABLESPACE fast;
ALTER TABLE public.setting ADD COLUMN added_at timestamp(3) without time zone DEFAULT now();
CREATE INDEX setting_index_idx ON public.setting USING btree ("index") TABLESPACE fast;

CREATE TABLE billing.invoice (
    id integer NOT NULL,
    customer text NOT NULL,
    total numeric(12,2) DEFAULT 0 NOT NULL
);

ALTER TABLE ONLY billing.invoice
    ADD CONSTRAINT invoice_pkey PRIMARY KEY (id);

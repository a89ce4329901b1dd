-- Hand-written: statements a SQLite copy does without.
CREATE SCHEMA IF NOT EXISTS audit;
CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;
CREATE SEQUENCE audit.entry_id_seq START WITH 1 INCREMENT BY 1;
CREATE TABLE audit.entry (
    id bigint DEFAULT nextval('audit.entry_id_seq'::regclass) NOT NULL,
    happened timestamp with time zone DEFAULT transaction_timestamp() NOT NULL
);
ALTER SEQUENCE audit.entry_id_seq OWNED BY audit.entry.id;
SELECT pg_catalog.setval('audit.entry_id_seq', 1, false);
ALTER TABLE audit.entry OWNER TO audit_owner;
ALTER TABLE ONLY audit.entry ENABLE TRIGGER ALL;
ALTER TABLE audit.entry DISABLE TRIGGER entry_touch;
ALTER TABLE audit.entry SET (autovacuum_enabled = false);
GRANT SELECT ON TABLE audit.entry TO reporting;
COMMENT ON TABLE audit.entry IS 'who did what';

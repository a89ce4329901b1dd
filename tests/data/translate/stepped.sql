-- Hand-written: an identity key SQLite cannot step by 10.
CREATE TABLE stepped (
    id bigint GENERATED ALWAYS AS IDENTITY (START WITH 100 INCREMENT BY 10) PRIMARY KEY,
    label text
);

CREATE TABLE billing.invoice (
    id integer PRIMARY KEY
);

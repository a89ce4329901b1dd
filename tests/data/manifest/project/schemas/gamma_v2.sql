CREATE TABLE gamma (
    id integer PRIMARY KEY
);

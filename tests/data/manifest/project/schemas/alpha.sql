CREATE TABLE alpha (
    id integer PRIMARY KEY
);

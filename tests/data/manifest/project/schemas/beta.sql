CREATE TABLE beta (
    id integer PRIMARY KEY,
    alpha_id integer REFERENCES alpha (id)
);

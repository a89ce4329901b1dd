-- The owner's customers (hand-written DDL, as foster reads any schema file).
CREATE TABLE shop_customer (
    id integer PRIMARY KEY,
    email varchar(254) NOT NULL UNIQUE,
    nickname varchar(30),
    code text NOT NULL UNIQUE,
    joined date NOT NULL,
    score integer NOT NULL
);

-- The owner's orders.
CREATE TABLE shop_order (
    id bigint PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES shop_customer (id),
    total numeric(10, 2) NOT NULL,
    reference varchar(20) NOT NULL
);

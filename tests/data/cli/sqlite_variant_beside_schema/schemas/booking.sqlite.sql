-- The SQLite version of booking.sql: no EXCLUDE constraint in SQLite.
CREATE TABLE booking (
    id integer PRIMARY KEY,
    room integer NOT NULL,
    during text NOT NULL
);

-- The SQLite version of booking.sql: its trigger in SQLite's own form, a body of
-- several statements between BEGIN and END.
CREATE TABLE booking (
    id integer PRIMARY KEY,
    room integer NOT NULL
);

CREATE TRIGGER booking_logged AFTER INSERT ON booking BEGIN
    INSERT INTO booking_log (booking_id, note) VALUES (new.id, 'booked');
    INSERT INTO booking_log (booking_id, note)
        VALUES (new.id, CASE WHEN new.room > 100 THEN 'suite' ELSE 'room' END);
END;

CREATE TABLE public.booking_log (
    booking_id integer NOT NULL,
    note text NOT NULL
);

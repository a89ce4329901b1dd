CREATE TABLE public.booking (
    id integer NOT NULL,
    room integer NOT NULL,
    during tsrange NOT NULL
);

ALTER TABLE ONLY public.booking
    ADD CONSTRAINT booking_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.booking
    ADD CONSTRAINT booking_no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);

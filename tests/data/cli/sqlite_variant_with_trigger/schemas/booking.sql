CREATE TABLE public.booking (
    id integer NOT NULL,
    room integer NOT NULL
);

ALTER TABLE ONLY public.booking
    ADD CONSTRAINT booking_pkey PRIMARY KEY (id);

CREATE TRIGGER booking_logged AFTER INSERT ON public.booking
    FOR EACH ROW EXECUTE FUNCTION public.log_booking();

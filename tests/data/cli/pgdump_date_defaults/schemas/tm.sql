-- As pg_dump writes a table whose defaults move the current moment.
CREATE TABLE public.tm (
    id integer NOT NULL,
    a timestamp with time zone DEFAULT (now() - '01:00:00'::interval),
    b date DEFAULT (CURRENT_DATE + 7),
    c timestamp without time zone DEFAULT (CURRENT_TIMESTAMP + '00:30:00'::interval),
    d date DEFAULT now(),
    t time without time zone DEFAULT now(),
    m timestamp without time zone DEFAULT CURRENT_DATE,
    e date DEFAULT (now())::date
);

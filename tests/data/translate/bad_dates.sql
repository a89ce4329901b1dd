-- Date/time arithmetic and casts SQLite would compute another value for.
CREATE TABLE public.rota (
    id integer NOT NULL,
    opens timestamp without time zone,
    closes timestamp without time zone,
    next_month timestamp without time zone DEFAULT (now() + '1 mon'::interval),
    twice timestamp without time zone DEFAULT (now() + ('01:00:00'::interval * 2)),
    since interval DEFAULT (now() - '2020-01-01 00:00:00'::timestamp without time zone),
    as_text text DEFAULT (now())::text,
    odd timestamp without time zone DEFAULT (now() + '1.5 days'::interval),
    CONSTRAINT rota_day_check CHECK ((closes > (opens + '1 day'::interval))),
    CONSTRAINT rota_date_check CHECK (((closes)::date = (opens)::date)),
    day date,
    pause interval,
    stamp_text text DEFAULT now(),
    CONSTRAINT rota_span_check CHECK (((closes - opens) > '1 day'::interval)),
    CONSTRAINT rota_day_check CHECK ((day <= opens)),
    CONSTRAINT rota_pause_check CHECK ((pause > '00:00:00'::interval))
);

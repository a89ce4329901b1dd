-- As pg_dump writes them: defaults moving the current moment (translate_datetime.c).
CREATE TABLE public.schedule (
    id integer NOT NULL,
    starts timestamp with time zone DEFAULT (now() - '01:00:00'::interval),
    due date DEFAULT (CURRENT_DATE + 7),
    remind timestamp without time zone DEFAULT (CURRENT_TIMESTAMP + '00:30:00'::interval),
    day date DEFAULT (now())::date,
    tomorrow timestamp(0) with time zone DEFAULT (now() + '1 day'::interval),
    shifted timestamp without time zone DEFAULT ((now() + '1 day'::interval) - '01:00:00'::interval),
    at_time time without time zone DEFAULT (now())::time without time zone,
    before date DEFAULT (CURRENT_DATE - '-3'::integer),
    written timestamp without time zone DEFAULT (now() + interval '2 weeks 3 hours ago'),
    fixed date DEFAULT '2020-01-01'::date,
    every interval DEFAULT '1 mon'::interval
);

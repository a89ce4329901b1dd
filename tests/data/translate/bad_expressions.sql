-- Hand-written: expressions SQLite has no counterpart for.
CREATE TABLE public.token (
    id uuid DEFAULT public.uuid_generate_v4() NOT NULL,
    code text NOT NULL,
    owner name DEFAULT CURRENT_USER,
    CONSTRAINT token_code_check CHECK ((code ~ '^[A-Z]+$'::text))
);

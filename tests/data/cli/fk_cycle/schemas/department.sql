CREATE TABLE public.department (
    id integer NOT NULL,
    name text NOT NULL,
    manager_id integer
);

ALTER TABLE ONLY public.department
    ADD CONSTRAINT department_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.department
    ADD CONSTRAINT department_manager_fk FOREIGN KEY (manager_id) REFERENCES public.employee(id);

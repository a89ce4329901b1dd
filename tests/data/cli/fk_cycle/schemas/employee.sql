CREATE TABLE public.employee (
    id integer NOT NULL,
    department_id integer NOT NULL,
    name text NOT NULL
);

ALTER TABLE ONLY public.employee
    ADD CONSTRAINT employee_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.employee
    ADD CONSTRAINT employee_department_id_fkey FOREIGN KEY (department_id) REFERENCES public.department(id);

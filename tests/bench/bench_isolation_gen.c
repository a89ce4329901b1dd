/*
 * bench_isolation_gen.c — writes the isolation benchmark's fixture set: ten
 * tables of a small shop (regions, warehouses, customers, suppliers,
 * categories, products, stock, orders, order lines, payments) joined by
 * foreign keys, with TOTAL rows in all (default 100,000), as a foster project.
 *
 *   bench_isolation_gen DIR [TOTAL]
 *
 * creates DIR/foster.ini, DIR/schemas/<table>.sql (PostgreSQL DDL, as
 * pg_dump would give it, which foster translates for SQLite) and
 * DIR/fixtures/<table>.csv (DIR must exist). Then prints the tables on stdout,
 * one a line, parents before children (the order the benchmark deletes them
 * in reverse).
 *
 * The shape: region is the hub of a star (warehouse, customer, supplier
 * reference it), and a chain runs customer -> orders -> order_line ->
 * product -> category/supplier, with stock and payment on the side. Column
 * types vary (integer, bigint identity, varchar, text, numeric, double
 * precision, boolean, date, timestamptz), some fields are NULL, some need CSV
 * quoting. Row i of each table is a pure function of i: the same bytes on
 * every machine. Exit status 0, 1 after a message on stderr, 2 on bad usage.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define TABLE_COUNT 10

/* Rows of each table per 100,000 in all (the default total), parents first. */
typedef enum table_id {
    REGION,
    CATEGORY,
    WAREHOUSE,
    CUSTOMER,
    SUPPLIER,
    PRODUCT,
    STOCK,
    ORDERS,
    ORDER_LINE,
    PAYMENT,
} table_id;

static const char *const table_names[TABLE_COUNT] = {
    "region",  "category", "warehouse", "customer",   "supplier",
    "product", "stock",    "orders",    "order_line", "payment",
};

static const long long rows_per_100k[TABLE_COUNT] = {
    10, 100, 50, 5000, 1000, 10000, 20000, 20000, 33840, 10000,
};

/* Every generated row count; a child's foreign keys fall within its parent's rows. */
typedef struct shape {
    long long rows[TABLE_COUNT];
} shape;

static const char *const table_ddl[TABLE_COUNT] = {
    [REGION] = "CREATE TABLE public.region (\n"
               "    id integer NOT NULL,\n"
               "    code character varying(8) NOT NULL,\n"
               "    name text NOT NULL\n"
               ");\n\n"
               "ALTER TABLE ONLY public.region\n"
               "    ADD CONSTRAINT region_pkey PRIMARY KEY (id);\n\n"
               "ALTER TABLE ONLY public.region\n"
               "    ADD CONSTRAINT region_code_key UNIQUE (code);\n",
    [CATEGORY] = "CREATE TABLE public.category (\n"
                 "    id integer NOT NULL,\n"
                 "    name character varying(64) NOT NULL,\n"
                 "    description text\n"
                 ");\n\n"
                 "ALTER TABLE ONLY public.category\n"
                 "    ADD CONSTRAINT category_pkey PRIMARY KEY (id);\n",
    [WAREHOUSE] = "CREATE TABLE public.warehouse (\n"
                  "    id integer NOT NULL,\n"
                  "    region_id integer NOT NULL,\n"
                  "    name character varying(64) NOT NULL,\n"
                  "    capacity integer NOT NULL\n"
                  ");\n\n"
                  "ALTER TABLE ONLY public.warehouse\n"
                  "    ADD CONSTRAINT warehouse_pkey PRIMARY KEY (id);\n\n"
                  "ALTER TABLE ONLY public.warehouse\n"
                  "    ADD CONSTRAINT warehouse_region_id_fkey FOREIGN KEY (region_id) "
                  "REFERENCES public.region(id);\n",
    [CUSTOMER] = "CREATE TABLE public.customer (\n"
                 "    id integer NOT NULL,\n"
                 "    region_id integer NOT NULL,\n"
                 "    name character varying(100) NOT NULL,\n"
                 "    email character varying(254) NOT NULL,\n"
                 "    is_active boolean DEFAULT true NOT NULL,\n"
                 "    created_at timestamp with time zone DEFAULT now() NOT NULL\n"
                 ");\n\n"
                 "ALTER TABLE ONLY public.customer\n"
                 "    ADD CONSTRAINT customer_pkey PRIMARY KEY (id);\n\n"
                 "CREATE INDEX customer_region_id_idx ON public.customer USING btree "
                 "(region_id);\n\n"
                 "ALTER TABLE ONLY public.customer\n"
                 "    ADD CONSTRAINT customer_region_id_fkey FOREIGN KEY (region_id) "
                 "REFERENCES public.region(id);\n",
    [SUPPLIER] = "CREATE TABLE public.supplier (\n"
                 "    id integer NOT NULL,\n"
                 "    region_id integer NOT NULL,\n"
                 "    name character varying(100) NOT NULL,\n"
                 "    rating numeric(3,1)\n"
                 ");\n\n"
                 "ALTER TABLE ONLY public.supplier\n"
                 "    ADD CONSTRAINT supplier_pkey PRIMARY KEY (id);\n\n"
                 "ALTER TABLE ONLY public.supplier\n"
                 "    ADD CONSTRAINT supplier_region_id_fkey FOREIGN KEY (region_id) "
                 "REFERENCES public.region(id);\n",
    [PRODUCT] = "CREATE TABLE public.product (\n"
                "    id integer NOT NULL,\n"
                "    category_id integer NOT NULL,\n"
                "    supplier_id integer NOT NULL,\n"
                "    sku character varying(16) NOT NULL,\n"
                "    name character varying(100) NOT NULL,\n"
                "    price numeric(10,2) NOT NULL,\n"
                "    weight_kg double precision,\n"
                "    added_on date NOT NULL,\n"
                "    CONSTRAINT product_price_check CHECK ((price >= (0)::numeric))\n"
                ");\n\n"
                "ALTER TABLE ONLY public.product\n"
                "    ADD CONSTRAINT product_pkey PRIMARY KEY (id);\n\n"
                "ALTER TABLE ONLY public.product\n"
                "    ADD CONSTRAINT product_sku_key UNIQUE (sku);\n\n"
                "ALTER TABLE ONLY public.product\n"
                "    ADD CONSTRAINT product_category_id_fkey FOREIGN KEY (category_id) "
                "REFERENCES public.category(id);\n\n"
                "ALTER TABLE ONLY public.product\n"
                "    ADD CONSTRAINT product_supplier_id_fkey FOREIGN KEY (supplier_id) "
                "REFERENCES public.supplier(id);\n",
    [STOCK] = "CREATE TABLE public.stock (\n"
              "    id integer NOT NULL,\n"
              "    product_id integer NOT NULL,\n"
              "    warehouse_id integer NOT NULL,\n"
              "    quantity integer NOT NULL,\n"
              "    updated_at timestamp with time zone NOT NULL,\n"
              "    CONSTRAINT stock_quantity_check CHECK ((quantity >= 0))\n"
              ");\n\n"
              "ALTER TABLE ONLY public.stock\n"
              "    ADD CONSTRAINT stock_pkey PRIMARY KEY (id);\n\n"
              "ALTER TABLE ONLY public.stock\n"
              "    ADD CONSTRAINT stock_product_id_fkey FOREIGN KEY (product_id) "
              "REFERENCES public.product(id);\n\n"
              "ALTER TABLE ONLY public.stock\n"
              "    ADD CONSTRAINT stock_warehouse_id_fkey FOREIGN KEY (warehouse_id) "
              "REFERENCES public.warehouse(id);\n",
    [ORDERS] = "CREATE TABLE public.orders (\n"
               "    id bigint NOT NULL,\n"
               "    customer_id integer NOT NULL,\n"
               "    placed_at timestamp with time zone DEFAULT now() NOT NULL,\n"
               "    status character varying(16) NOT NULL,\n"
               "    total numeric(12,2) NOT NULL,\n"
               "    note text\n"
               ");\n\n"
               "ALTER TABLE public.orders ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (\n"
               "    SEQUENCE NAME public.orders_id_seq\n"
               "    START WITH 1\n"
               "    INCREMENT BY 1\n"
               "    NO MINVALUE\n"
               "    NO MAXVALUE\n"
               "    CACHE 1\n"
               ");\n\n"
               "ALTER TABLE ONLY public.orders\n"
               "    ADD CONSTRAINT orders_pkey PRIMARY KEY (id);\n\n"
               "CREATE INDEX orders_customer_id_idx ON public.orders USING btree "
               "(customer_id);\n\n"
               "ALTER TABLE ONLY public.orders\n"
               "    ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) "
               "REFERENCES public.customer(id) DEFERRABLE INITIALLY DEFERRED;\n",
    [ORDER_LINE] = "CREATE TABLE public.order_line (\n"
                   "    id bigint NOT NULL,\n"
                   "    order_id bigint NOT NULL,\n"
                   "    product_id integer NOT NULL,\n"
                   "    quantity integer NOT NULL,\n"
                   "    unit_price numeric(10,2) NOT NULL,\n"
                   "    CONSTRAINT order_line_quantity_check CHECK ((quantity > 0))\n"
                   ");\n\n"
                   "ALTER TABLE public.order_line ALTER COLUMN id ADD GENERATED BY DEFAULT AS "
                   "IDENTITY (\n"
                   "    SEQUENCE NAME public.order_line_id_seq\n"
                   "    START WITH 1\n"
                   "    INCREMENT BY 1\n"
                   "    NO MINVALUE\n"
                   "    NO MAXVALUE\n"
                   "    CACHE 1\n"
                   ");\n\n"
                   "ALTER TABLE ONLY public.order_line\n"
                   "    ADD CONSTRAINT order_line_pkey PRIMARY KEY (id);\n\n"
                   "CREATE INDEX order_line_order_id_idx ON public.order_line USING btree "
                   "(order_id);\n\n"
                   "ALTER TABLE ONLY public.order_line\n"
                   "    ADD CONSTRAINT order_line_order_id_fkey FOREIGN KEY (order_id) "
                   "REFERENCES public.orders(id) ON DELETE CASCADE;\n\n"
                   "ALTER TABLE ONLY public.order_line\n"
                   "    ADD CONSTRAINT order_line_product_id_fkey FOREIGN KEY (product_id) "
                   "REFERENCES public.product(id);\n",
    [PAYMENT] =
        "CREATE TABLE public.payment (\n"
        "    id bigint NOT NULL,\n"
        "    order_id bigint NOT NULL,\n"
        "    amount numeric(12,2) NOT NULL,\n"
        "    paid_at timestamp with time zone NOT NULL,\n"
        "    method character varying(12) NOT NULL\n"
        ");\n\n"
        "ALTER TABLE public.payment ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (\n"
        "    SEQUENCE NAME public.payment_id_seq\n"
        "    START WITH 1\n"
        "    INCREMENT BY 1\n"
        "    NO MINVALUE\n"
        "    NO MAXVALUE\n"
        "    CACHE 1\n"
        ");\n\n"
        "ALTER TABLE ONLY public.payment\n"
        "    ADD CONSTRAINT payment_pkey PRIMARY KEY (id);\n\n"
        "ALTER TABLE ONLY public.payment\n"
        "    ADD CONSTRAINT payment_order_id_fkey FOREIGN KEY (order_id) "
        "REFERENCES public.orders(id);\n",
};

static const char *const table_header[TABLE_COUNT] = {
    [REGION] = "id,code,name",
    [CATEGORY] = "id,name,description",
    [WAREHOUSE] = "id,region_id,name,capacity",
    [CUSTOMER] = "id,region_id,name,email,is_active,created_at",
    [SUPPLIER] = "id,region_id,name,rating",
    [PRODUCT] = "id,category_id,supplier_id,sku,name,price,weight_kg,added_on",
    [STOCK] = "id,product_id,warehouse_id,quantity,updated_at",
    [ORDERS] = "id,customer_id,placed_at,status,total,note",
    [ORDER_LINE] = "id,order_id,product_id,quantity,unit_price",
    [PAYMENT] = "id,order_id,amount,paid_at,method",
};

static int fail(const char *what, const char *path)
{
    fprintf(stderr, "bench_isolation_gen: %s %s: %s\n", what, path, strerror(errno));
    return 1;
}

/* A foreign key into `parent` for row i: spread over the parent's rows, 1-based. */
static long long pick(const shape *s, table_id parent, long long i, long long stride)
{
    return (i * stride) % s->rows[parent] + 1;
}

/* A timestamp with time zone, i seconds-ish after 2023-01-01 (always a valid date). */
static void put_timestamp(FILE *out, long long i)
{
    fprintf(out, "2023-%02lld-%02lld %02lld:%02lld:%02lld+00", i % 12 + 1, i % 28 + 1, i % 24,
            (i / 7) % 60, (i / 3) % 60);
}

static const char *const words[] = {"amber",  "birch",  "cobalt", "delta",   "ember",   "fjord",
                                    "garnet", "harbor", "indigo", "juniper", "kestrel", "lumen"};
#define WORD(i) words[(unsigned long long)(i) % (sizeof words / sizeof *words)]

static void write_row(FILE *out, const shape *s, table_id t, long long i)
{
    switch (t) {
    case REGION:
        fprintf(out, "%lld,R%03lld,Region %s %lld", i, i, WORD(i), i);
        break;
    case CATEGORY:
        /* One description in four NULL, one in eight with a comma and quotes. */
        fprintf(out, "%lld,%s %lld,", i, WORD(i * 5), i);
        if (i % 4 == 1)
            break;
        if (i % 8 == 2)
            fprintf(out, "\"%s, \"\"%s\"\" and more\"", WORD(i), WORD(i + 3));
        else
            fprintf(out, "All things %s", WORD(i + 1));
        break;
    case WAREHOUSE:
        fprintf(out, "%lld,%lld,Depot %s-%lld,%lld", i, pick(s, REGION, i, 1), WORD(i * 7), i,
                1000 + i * 37 % 9000);
        break;
    case CUSTOMER:
        fprintf(out, "%lld,%lld,", i, pick(s, REGION, i, 3));
        if (i % 16 == 5)
            fprintf(out, "\"%s, %s\"", WORD(i), WORD(i / 12));
        else
            fprintf(out, "%s %s", WORD(i), WORD(i / 12));
        fprintf(out, ",customer%lld@example.com,%s,", i, i % 10 == 0 ? "f" : "t");
        put_timestamp(out, i);
        break;
    case SUPPLIER:
        fprintf(out, "%lld,%lld,%s Supply %lld,", i, pick(s, REGION, i, 7), WORD(i * 11), i);
        if (i % 5 != 0)
            fprintf(out, "%lld.%lld", i % 5 + 1, i % 10);
        break;
    case PRODUCT:
        fprintf(out, "%lld,%lld,%lld,SKU-%08lld,%s %s %lld,%lld.%02lld,", i,
                pick(s, CATEGORY, i, 13), pick(s, SUPPLIER, i, 17), i, WORD(i), WORD(i / 3), i,
                1 + i * 7919 % 50000 / 100, i * 31 % 100);
        if (i % 9 != 0)
            fprintf(out, "%.3f", (double)(i % 4000) / 97.0);
        fprintf(out, ",20%02lld-%02lld-%02lld", 15 + i % 9, i % 12 + 1, i % 28 + 1);
        break;
    case STOCK:
        fprintf(out, "%lld,%lld,%lld,%lld,", i, pick(s, PRODUCT, i, 1), pick(s, WAREHOUSE, i, 3),
                i * 53 % 500);
        put_timestamp(out, i * 3);
        break;
    case ORDERS:
        fprintf(out, "%lld,%lld,", i, pick(s, CUSTOMER, i, 7));
        put_timestamp(out, i * 5);
        static const char *const statuses[] = {"placed", "paid", "shipped", "delivered",
                                               "returned"};
        fprintf(out, ",%s,%lld.%02lld,", statuses[i % 5], 5 + i * 131 % 2000, i * 7 % 100);
        if (i % 6 == 0)
            fprintf(out, "\"leave at door, \"\"%s\"\"\"", WORD(i));
        else if (i % 6 == 3)
            fputs("\"\"", out); /* the empty string, not NULL */
        break;
    case ORDER_LINE:
        fprintf(out, "%lld,%lld,%lld,%lld,%lld.%02lld", i, pick(s, ORDERS, i, 1),
                pick(s, PRODUCT, i, 29), 1 + i % 7, 1 + i * 37 % 900, i * 11 % 100);
        break;
    case PAYMENT:
        fprintf(out, "%lld,%lld,%lld.%02lld,", i, pick(s, ORDERS, i, 2), 5 + i * 97 % 3000,
                i * 3 % 100);
        put_timestamp(out, i * 11);
        static const char *const methods[] = {"card", "transfer", "voucher"};
        fprintf(out, ",%s", methods[i % 3]);
        break;
    }
    putc('\n', out);
}

static int write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return fail("cannot create", path);
    fputs(text, f);
    if (fclose(f) != 0)
        return fail("cannot write", path);
    return 0;
}

static int write_fixture(const char *path, const shape *s, table_id t)
{
    FILE *out = fopen(path, "w");
    if (!out)
        return fail("cannot create", path);
    static char buffer[1 << 20];
    setvbuf(out, buffer, _IOFBF, sizeof buffer);
    fprintf(out, "%s\n", table_header[t]);
    for (long long i = 1; i <= s->rows[t]; i++)
        write_row(out, s, t, i);
    if (fclose(out) != 0)
        return fail("cannot write", path);
    return 0;
}

static int write_manifest(const char *path, const shape *s)
{
    FILE *out = fopen(path, "w");
    if (!out)
        return fail("cannot create", path);
    long long total = 0;
    for (int t = 0; t < TABLE_COUNT; t++)
        total += s->rows[t];
    fprintf(out,
            "; foster.ini for the isolation benchmark (generated by bench_isolation_gen):\n"
            "; %d tables, %lld rows in all.\n"
            "[foster]\n"
            "name     = isobench\n"
            "backend  = sqlite\n"
            "schemas  = schemas\n"
            "fixtures = fixtures\n",
            TABLE_COUNT, total);
    for (int t = 0; t < TABLE_COUNT; t++)
        fprintf(out, "\n[table %s]\nowner = shop-service ; %lld rows\n", table_names[t],
                s->rows[t]);
    if (fclose(out) != 0)
        return fail("cannot write", path);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2 && argc != 3) {
        fprintf(stderr, "usage: bench_isolation_gen DIR [TOTAL]\n");
        return 2;
    }
    long long total = 100000;
    if (argc == 3) {
        char *end;
        errno = 0;
        total = strtoll(argv[2], &end, 10);
        if (*end || errno || total < 100 || total > 100000000) {
            fprintf(stderr, "bench_isolation_gen: TOTAL must be 100..100000000, not \"%s\"\n",
                    argv[2]);
            return 2;
        }
    }
    /* Scale every table; the biggest takes what rounding left over. */
    shape s;
    long long assigned = 0;
    for (int t = 0; t < TABLE_COUNT; t++) {
        s.rows[t] = rows_per_100k[t] * total / 100000;
        if (s.rows[t] < 1)
            s.rows[t] = 1;
        if (t != ORDER_LINE)
            assigned += s.rows[t];
    }
    s.rows[ORDER_LINE] = total - assigned > 1 ? total - assigned : 1;

    const char *dir = argv[1];
    char path[4096];
    snprintf(path, sizeof path, "%s/foster.ini", dir);
    if (write_manifest(path, &s))
        return 1;
    const char *const subdirs[] = {"schemas", "fixtures"};
    for (int k = 0; k < 2; k++) {
        snprintf(path, sizeof path, "%s/%s", dir, subdirs[k]);
        if (mkdir(path, 0700) < 0 && errno != EEXIST)
            return fail("cannot create", path);
    }
    for (int t = 0; t < TABLE_COUNT; t++) {
        snprintf(path, sizeof path, "%s/schemas/%s.sql", dir, table_names[t]);
        if (write_text(path, table_ddl[t]))
            return 1;
        snprintf(path, sizeof path, "%s/fixtures/%s.csv", dir, table_names[t]);
        if (write_fixture(path, &s, t))
            return 1;
    }
    for (int t = 0; t < TABLE_COUNT; t++)
        printf("%s\n", table_names[t]);
    return 0;
}

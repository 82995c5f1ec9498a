-- Version 2: orders.id int → bigint (the table is large), orders.note renamed to comment
-- (plan with --rename orders.note=comment), and a NOT NULL foreign key to warehouses.
CREATE TABLE customers (
  id bigserial PRIMARY KEY,
  email text NOT NULL UNIQUE,
  name text NOT NULL
);
CREATE TABLE warehouses (
  id bigserial PRIMARY KEY,
  name text NOT NULL
);
CREATE TABLE orders (
  id bigserial PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id),
  placed_at timestamptz NOT NULL DEFAULT now(),
  total_cents bigint NOT NULL,
  comment text,
  warehouse_id bigint NOT NULL DEFAULT 1 REFERENCES warehouses (id)
);
CREATE INDEX orders_customer_idx ON orders (customer_id);
CREATE TABLE order_items (
  id bigserial PRIMARY KEY,
  order_id integer NOT NULL REFERENCES orders (id),
  sku text NOT NULL,
  qty integer NOT NULL
);
CREATE INDEX order_items_order_idx ON order_items (order_id);

CREATE TABLE invoice (id int PRIMARY KEY, customer int, due date);
CREATE INDEX invoice_customer_idx ON invoice (customer);

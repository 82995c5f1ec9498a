CREATE TABLE invoice (id int PRIMARY KEY, customer int, due date);
CREATE INDEX invoice_customer_idx ON invoice (customer, due);
CREATE INDEX invoice_due_idx ON invoice (due);

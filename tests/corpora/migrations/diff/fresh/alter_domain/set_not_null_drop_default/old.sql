CREATE DOMAIN cents AS bigint DEFAULT 0;
CREATE TABLE ledger_line (id int PRIMARY KEY, amount cents);

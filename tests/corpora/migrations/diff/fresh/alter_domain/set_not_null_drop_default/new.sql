CREATE DOMAIN cents AS bigint NOT NULL;
CREATE TABLE ledger_line (id int PRIMARY KEY, amount cents);

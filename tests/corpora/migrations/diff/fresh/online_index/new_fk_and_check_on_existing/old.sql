CREATE TABLE account (id int PRIMARY KEY);
CREATE TABLE transfer (id int PRIMARY KEY, src int, dst int, amount numeric(12,2));
INSERT INTO account VALUES (1), (2); INSERT INTO transfer VALUES (1, 1, 2, 10);

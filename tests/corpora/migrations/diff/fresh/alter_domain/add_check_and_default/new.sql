CREATE DOMAIN rating AS smallint DEFAULT 3 CONSTRAINT rating_range CHECK (VALUE BETWEEN 1 AND 5);
CREATE TABLE review (id int PRIMARY KEY, stars rating);

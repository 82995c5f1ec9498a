CREATE DOMAIN rating AS smallint;
CREATE TABLE review (id int PRIMARY KEY, stars rating);
INSERT INTO review VALUES (1, 4), (2, 5);

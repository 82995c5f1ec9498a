CREATE TABLE handle (id int PRIMARY KEY, name text NOT NULL);

CREATE TABLE agent (id int PRIMARY KEY, email text NOT NULL UNIQUE);

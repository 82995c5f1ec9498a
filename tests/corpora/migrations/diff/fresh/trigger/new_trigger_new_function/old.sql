CREATE TABLE doc (id int PRIMARY KEY, body text, updated_at timestamptz);

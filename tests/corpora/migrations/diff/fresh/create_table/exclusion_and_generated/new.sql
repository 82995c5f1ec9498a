CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE TABLE room (id int PRIMARY KEY);
CREATE TABLE booking (id int PRIMARY KEY, room_id int NOT NULL REFERENCES room (id),
  during tstzrange NOT NULL, nights int GENERATED ALWAYS AS (1) STORED,
  CONSTRAINT booking_no_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&));

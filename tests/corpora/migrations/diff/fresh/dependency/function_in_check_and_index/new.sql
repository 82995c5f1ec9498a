CREATE FUNCTION norm_handle(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower(trim(t)) $$;
CREATE TABLE handle (id int PRIMARY KEY, name text NOT NULL CONSTRAINT handle_name_norm CHECK (name = norm_handle(name)));
CREATE UNIQUE INDEX handle_name_uidx ON handle (norm_handle(name));

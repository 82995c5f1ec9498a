CREATE TABLE doc (id int PRIMARY KEY, body text, updated_at timestamptz);
CREATE FUNCTION doc_touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
CREATE TRIGGER doc_touch BEFORE UPDATE OF body ON doc FOR EACH ROW WHEN (OLD.body IS DISTINCT FROM NEW.body) EXECUTE FUNCTION doc_touch();

CREATE TABLE agent (id int PRIMARY KEY, email text NOT NULL UNIQUE);
CREATE TABLE ticket (id bigint PRIMARY KEY, opened_by int REFERENCES agent (id) DEFERRABLE INITIALLY DEFERRED,
  parent_id bigint REFERENCES ticket (id), title text NOT NULL, priority int DEFAULT 3 CHECK (priority BETWEEN 1 AND 5),
  last_comment_id bigint, CONSTRAINT ticket_title_uq UNIQUE (title, opened_by) DEFERRABLE);
CREATE TABLE ticket_comment (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ticket_id bigint NOT NULL REFERENCES ticket (id) ON DELETE CASCADE,
  author_email text REFERENCES agent (email) ON UPDATE CASCADE,
  body text NOT NULL CHECK (length(body) > 0));
ALTER TABLE ticket ADD CONSTRAINT ticket_last_comment_fk FOREIGN KEY (last_comment_id) REFERENCES ticket_comment (id) ON DELETE SET NULL;

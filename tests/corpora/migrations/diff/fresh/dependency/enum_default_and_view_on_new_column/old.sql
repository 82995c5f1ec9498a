CREATE TYPE ticket_state AS ENUM ('open', 'closed');
CREATE TABLE ticket (id int PRIMARY KEY, state text DEFAULT 'open');

CREATE TYPE ticket_state AS ENUM ('open', 'pending', 'closed');
CREATE TABLE ticket (id int PRIMARY KEY, state ticket_state DEFAULT 'pending', assignee text);
CREATE VIEW open_ticket AS SELECT id, assignee FROM ticket WHERE state <> 'closed';

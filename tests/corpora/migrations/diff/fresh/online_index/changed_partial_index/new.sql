CREATE TABLE chat_message (id bigint PRIMARY KEY, room int NOT NULL, sent_at timestamptz NOT NULL, deleted bool DEFAULT false);
CREATE INDEX chat_message_room_idx ON chat_message (room, sent_at DESC) WHERE NOT deleted;
ALTER TABLE chat_message ADD CONSTRAINT chat_message_room_sent_uq UNIQUE (room, sent_at);

CREATE TABLE event (id bigint NOT NULL, at date NOT NULL, kind text) PARTITION BY RANGE (at);
CREATE TABLE event_2026 PARTITION OF event FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE TABLE event_2027 PARTITION OF event FOR VALUES FROM ('2027-01-01') TO ('2028-01-01');
CREATE INDEX event_kind_idx ON event (kind, at);
CREATE UNIQUE INDEX event_id_at_uidx ON event (id, at);

CREATE TABLE account (id int PRIMARY KEY);
CREATE TABLE transfer (id int PRIMARY KEY, src int REFERENCES account (id), dst int, amount numeric(12,2),
  CONSTRAINT transfer_amount_pos CHECK (amount > 0), CONSTRAINT transfer_dst_fk FOREIGN KEY (dst) REFERENCES account (id));
CREATE INDEX transfer_src_idx ON transfer (src);

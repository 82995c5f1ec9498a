CREATE DOMAIN sku AS text CONSTRAINT sku_shape CHECK (VALUE ~ '^[A-Z]{2,4}-[0-9]+$') CONSTRAINT sku_len CHECK (length(VALUE) < 20);
CREATE TABLE item (id int PRIMARY KEY, code sku);

CREATE DOMAIN sku AS text NOT NULL CONSTRAINT sku_shape CHECK (VALUE ~ '^[A-Z]{3}-[0-9]+$');
CREATE TABLE item (id int PRIMARY KEY, code sku);

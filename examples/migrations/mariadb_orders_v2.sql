-- MariaDB/MySQL version 2: note renamed to comment, ENUM value appended, total INT → BIGINT, new column and index.
CREATE TABLE customers (id BIGINT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(60) NOT NULL, UNIQUE KEY uq_email (email)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, customer_id BIGINT NOT NULL, comment VARCHAR(50), status ENUM('new','paid','shipped'), total BIGINT NOT NULL, placed_at DATETIME NULL, CONSTRAINT fk_c FOREIGN KEY (customer_id) REFERENCES customers (id), KEY ix_placed (placed_at)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

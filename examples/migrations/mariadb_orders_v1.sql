-- MariaDB/MySQL version 1 (plan: dbwright migrate plan --engine mariadb --from mariadb_orders_v1.sql --to mariadb_orders_v2.sql --rename orders.note=comment)
CREATE TABLE customers (id BIGINT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(60) NOT NULL, UNIQUE KEY uq_email (email)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, customer_id BIGINT NOT NULL, note VARCHAR(50), status ENUM('new','paid'), total INT NOT NULL, CONSTRAINT fk_c FOREIGN KEY (customer_id) REFERENCES customers (id)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

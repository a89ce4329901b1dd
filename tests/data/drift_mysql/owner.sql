-- The owner's MariaDB database the MySQL drift tests build: two tables of the
-- trading service with each kind of key, an enum column, a check and an index.
CREATE TABLE auth_user (
    id int NOT NULL AUTO_INCREMENT PRIMARY KEY,
    username varchar(150) NOT NULL,
    email varchar(254) DEFAULT NULL,
    UNIQUE KEY auth_user_username (username)
) ENGINE=InnoDB;
CREATE TABLE trading_account (
    id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY,
    owner_id int NOT NULL,
    name varchar(100) NOT NULL,
    balance decimal(14,2) NOT NULL DEFAULT 0,
    feeling enum('sad','ok','happy') DEFAULT NULL,
    created datetime NOT NULL DEFAULT current_timestamp(),
    KEY trading_account_name (name),
    CONSTRAINT trading_account_owner FOREIGN KEY (owner_id) REFERENCES auth_user (id) ON DELETE CASCADE,
    CONSTRAINT balance_not_negative CHECK (balance >= 0)
) ENGINE=InnoDB;
-- Another service's table, not in the manifest: never snapshotted or compared.
CREATE TABLE audit_log (id bigint PRIMARY KEY, message text);
-- Rows, so that the tables' next AUTO_INCREMENT is not their first.
INSERT INTO auth_user (username) VALUES ('alice'), ('bob');

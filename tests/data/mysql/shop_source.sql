-- The schema behind the dumps in this folder: run on a MariaDB server, then each
-- table dumped with `mariadb-dump --no-data --triggers shop TABLE` (test_mydump.c
-- does both when mariadb-dump is installed, and compares what foster reads).
-- It has what mysqldump writes for an owner's tables: ENUM, SET, YEAR, UNSIGNED,
-- generated columns, ON UPDATE CURRENT_TIMESTAMP, KEY, UNIQUE KEY, FULLTEXT KEY,
-- CHECK, a key cycle (artist <-> album) and triggers that write another table.
CREATE TABLE artist (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  country CHAR(2) NOT NULL DEFAULT 'GB',
  best_album_id INT UNSIGNED NULL,
  UNIQUE KEY uq_artist_name (name),
  KEY k_best_album (best_album_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE album (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  artist_id INT UNSIGNED NOT NULL,
  title VARCHAR(200) NOT NULL,
  kind ENUM('lp','ep','single') NOT NULL DEFAULT 'lp',
  formats SET('vinyl','cd','tape') DEFAULT NULL,
  released YEAR DEFAULT NULL,
  tracks TINYINT UNSIGNED NOT NULL DEFAULT 0,
  price DECIMAL(8,2) NOT NULL DEFAULT 0.00,
  title_upper VARCHAR(200) AS (UPPER(title)) VIRTUAL,
  price_cents INT AS (price * 100) PERSISTENT,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  notes TEXT COMMENT 'free text; may hold `anything`',
  PRIMARY KEY (id),
  UNIQUE KEY uq_album_artist_title (artist_id, title),
  KEY k_released (released),
  FULLTEXT KEY ft_album_title (title),
  CONSTRAINT fk_album_artist FOREIGN KEY (artist_id) REFERENCES artist (id) ON DELETE CASCADE,
  CONSTRAINT ck_album_price CHECK (price >= 0)
) ENGINE=InnoDB AUTO_INCREMENT=100 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='albums; one row each';

ALTER TABLE artist ADD CONSTRAINT fk_artist_best_album FOREIGN KEY (best_album_id)
  REFERENCES album (id) ON DELETE SET NULL;

CREATE TABLE album_log (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  album_id INT UNSIGNED NOT NULL,
  action VARCHAR(10) NOT NULL,
  at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

DELIMITER ;;
CREATE TRIGGER album_after_insert AFTER INSERT ON album FOR EACH ROW
BEGIN
  INSERT INTO album_log (album_id, action) VALUES (NEW.id, 'insert');
END;;
CREATE TRIGGER album_before_update BEFORE UPDATE ON album FOR EACH ROW
BEGIN
  IF NEW.tracks > 99 THEN
    SET NEW.tracks = 99;
  END IF;
  INSERT INTO album_log (album_id, action) VALUES (NEW.id, 'update');
END;;
DELIMITER ;

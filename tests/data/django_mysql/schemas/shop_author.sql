CREATE TABLE shop_author (
    id integer PRIMARY KEY AUTO_INCREMENT,
    name varchar(100) NOT NULL UNIQUE
) ENGINE=InnoDB;

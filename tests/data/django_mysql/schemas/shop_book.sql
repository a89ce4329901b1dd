CREATE TABLE shop_book (
    id integer PRIMARY KEY AUTO_INCREMENT,
    author_id integer NOT NULL,
    title varchar(200) NOT NULL,
    note text,
    CONSTRAINT shop_book_author_fk FOREIGN KEY (author_id) REFERENCES shop_author (id)
) ENGINE=InnoDB;

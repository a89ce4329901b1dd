CREATE TABLE plain (
  id int NOT NULL PRIMARY KEY,
  name varchar(20) DEFAULT "it\"s"
);

-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)
CREATE TABLE `place` (
  `id` int NOT NULL AUTO_INCREMENT,
  `location` point NOT NULL SRID 4326,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB;

-- trading_company for the MySQL/MariaDB backends (see auth_user.mysql.sql).

DROP TABLE IF EXISTS `trading_company`;
CREATE TABLE `trading_company` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `name` varchar(200) NOT NULL,
  `ticker` varchar(12) NOT NULL,
  `created_at` datetime(6) NOT NULL DEFAULT current_timestamp(6),
  PRIMARY KEY (`id`),
  UNIQUE KEY `trading_company_ticker_key` (`ticker`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

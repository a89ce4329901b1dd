-- trading_account for the MySQL/MariaDB backends (see auth_user.mysql.sql).

DROP TABLE IF EXISTS `trading_account`;
CREATE TABLE `trading_account` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `user_id` int(11) NOT NULL,
  `name` varchar(100) NOT NULL,
  `cash_balance` decimal(14,2) NOT NULL DEFAULT 0.00 COMMENT 'Settled cash in EUR; never negative.',
  `opened_at` datetime(6) NOT NULL DEFAULT current_timestamp(6),
  PRIMARY KEY (`id`),
  KEY `trading_account_user_id_idx` (`user_id`),
  CONSTRAINT `trading_account_user_id_fkey` FOREIGN KEY (`user_id`) REFERENCES `auth_user` (`id`),
  CONSTRAINT `trading_account_cash_balance_check` CHECK (`cash_balance` >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

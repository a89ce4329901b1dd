-- trading_shares for the MySQL/MariaDB backends (see auth_user.mysql.sql).

DROP TABLE IF EXISTS `trading_shares`;
CREATE TABLE `trading_shares` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `account_id` int(11) NOT NULL,
  `company_id` int(11) NOT NULL,
  `quantity` int(11) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `trading_shares_account_company_uniq` (`account_id`,`company_id`),
  KEY `trading_shares_company_id_idx` (`company_id`),
  CONSTRAINT `trading_shares_account_id_fkey` FOREIGN KEY (`account_id`) REFERENCES `trading_account` (`id`),
  CONSTRAINT `trading_shares_company_id_fkey` FOREIGN KEY (`company_id`) REFERENCES `trading_company` (`id`),
  CONSTRAINT `trading_shares_quantity_check` CHECK (`quantity` >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

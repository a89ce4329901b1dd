-- trading_sharestransfer for the MySQL/MariaDB backends (see auth_user.mysql.sql).

DROP TABLE IF EXISTS `trading_sharestransfer`;
CREATE TABLE `trading_sharestransfer` (
  `id` bigint(20) NOT NULL AUTO_INCREMENT,
  `from_account_id` int(11) NOT NULL,
  `to_account_id` int(11) NOT NULL,
  `company_id` int(11) NOT NULL,
  `quantity` int(11) NOT NULL,
  `price` decimal(12,4) NOT NULL,
  `transferred_at` datetime(6) NOT NULL DEFAULT current_timestamp(6),
  PRIMARY KEY (`id`),
  KEY `trading_sharestransfer_transferred_at_idx` (`transferred_at`),
  KEY `trading_sharestransfer_company_id_fkey` (`company_id`),
  KEY `trading_sharestransfer_from_account_id_fkey` (`from_account_id`),
  KEY `trading_sharestransfer_to_account_id_fkey` (`to_account_id`),
  CONSTRAINT `trading_sharestransfer_company_id_fkey` FOREIGN KEY (`company_id`) REFERENCES `trading_company` (`id`),
  CONSTRAINT `trading_sharestransfer_from_account_id_fkey` FOREIGN KEY (`from_account_id`) REFERENCES `trading_account` (`id`),
  CONSTRAINT `trading_sharestransfer_to_account_id_fkey` FOREIGN KEY (`to_account_id`) REFERENCES `trading_account` (`id`),
  CONSTRAINT `trading_sharestransfer_quantity_check` CHECK (`quantity` > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Append-only ledger of share movements between accounts.';

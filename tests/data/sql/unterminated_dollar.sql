SELECT 1;
SELECT $body$ never closed;
SELECT 2;

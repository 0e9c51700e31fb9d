-- siks schema, version 25 (SQLite): retention (docs/adr/0023). Keep in step with
-- ../postgres/0025_retention.sql.

-- When a removed person's identity was dropped after the retention period (NULL: not yet).
ALTER TABLE persons ADD COLUMN anonymised_at TEXT;

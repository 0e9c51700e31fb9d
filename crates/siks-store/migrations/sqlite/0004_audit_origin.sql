-- siks schema, version 4 (SQLite): where each audited action came from. Keep in step with
-- ../postgres/0004_audit_origin.sql. Part of each entry's hash.

ALTER TABLE audit_log ADD COLUMN origin TEXT NOT NULL DEFAULT '';

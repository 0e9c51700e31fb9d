-- siks schema, version 4 (PostgreSQL): where each audited action came from. Keep in step with
-- ../sqlite/0004_audit_origin.sql. Part of each entry's hash.

ALTER TABLE audit_log ADD COLUMN origin TEXT NOT NULL DEFAULT '';

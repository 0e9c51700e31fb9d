-- siks schema, version 18 (PostgreSQL): the last file of the server's view journal folded into
-- the audit log (ADR 0018). Keep in step with ../sqlite/0018_view_journal.sql.

-- PostgreSQL writes views straight into the log (its writers lock rows, not the database);
-- the column keeps both schemas alike.
ALTER TABLE audit_head ADD COLUMN views_folded BIGINT NOT NULL DEFAULT 0;

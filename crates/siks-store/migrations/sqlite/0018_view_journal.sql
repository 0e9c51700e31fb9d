-- siks schema, version 18 (SQLite): the last file of the server's view journal folded into the
-- audit log (ADR 0018). Keep in step with ../postgres/0018_view_journal.sql.

-- A server records views and searches in a journal of its own files first (fsync'd, so that no
-- view waits for the database's one write lock behind a bulk writer), then folds each file
-- into the audit log in one transaction that also moves this number: after a crash the files
-- up to it are known to be in the log, the rest are folded.
ALTER TABLE audit_head ADD COLUMN views_folded BIGINT NOT NULL DEFAULT 0;

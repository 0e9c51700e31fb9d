-- siks schema, version 27 (SQLite): the audit log's retention (docs/adr/0023). Keep in step
-- with ../postgres/0027_audit_archive.sql.

-- Where the chain in the database begins: entries up to `seq` were written to a sealed archive
-- (its SHA-256 in `archive`) and dropped; the first entry left links to `hash`. Signed with
-- the audit key over the sequence and hash ('' without a key). One row, or none: the chain
-- begins at the genesis hash.
CREATE TABLE audit_start (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    seq       BIGINT NOT NULL,
    hash      TEXT NOT NULL,
    at        TEXT NOT NULL,
    archive   TEXT NOT NULL,
    signature TEXT NOT NULL
);

-- Still append-only, except for the entries the start says were archived.
DROP TRIGGER audit_log_no_delete;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
WHEN OLD.seq > COALESCE((SELECT seq FROM audit_start WHERE id = 1), 0)
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

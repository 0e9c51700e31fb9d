-- siks schema, version 27 (PostgreSQL): the audit log's retention (docs/adr/0023). Keep in
-- step with ../sqlite/0027_audit_archive.sql.

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
DROP TRIGGER audit_log_no_update ON audit_log;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE FUNCTION audit_log_delete_archived_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.seq > COALESCE((SELECT seq FROM audit_start WHERE id = 1), 0) THEN
        RAISE EXCEPTION 'audit_log is append-only';
    END IF;
    RETURN OLD;
END;
$$;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_delete_archived_only();

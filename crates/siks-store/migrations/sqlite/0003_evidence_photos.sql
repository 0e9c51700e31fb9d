-- siks schema, version 3 (SQLite): evidence photos. Keep in step with
-- ../postgres/0003_evidence_photos.sql.

-- The bytes of each evidence photo, found by household and SHA-256. The household's `evidence`
-- list says which photo shows which indicator.
CREATE TABLE evidence_photos (
    household_id TEXT NOT NULL REFERENCES households (id),
    sha256       TEXT NOT NULL,
    village_code TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes   INTEGER NOT NULL,
    data         BLOB NOT NULL,
    uploaded_at  TEXT NOT NULL,
    uploaded_by  TEXT NOT NULL,
    PRIMARY KEY (household_id, sha256)
);

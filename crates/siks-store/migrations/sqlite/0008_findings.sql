-- siks schema, version 8 (SQLite): verivali findings. Keep in step with
-- ../postgres/0008_findings.sql.

-- What a check run found, one row per finding and record. `finding_key` (kind, household,
-- person, other person) lets the next run recognise it: still there, fixed, or dismissed.
CREATE TABLE findings (
    id              TEXT PRIMARY KEY,
    finding_key     TEXT NOT NULL UNIQUE,
    kind            INTEGER NOT NULL,
    severity        TEXT NOT NULL,
    village_code    TEXT NOT NULL,
    household_id    TEXT NOT NULL,
    person_id       TEXT,
    other_person_id TEXT,
    fields          TEXT NOT NULL,
    detail          TEXT NOT NULL,
    status          TEXT NOT NULL,
    status_reason   TEXT NOT NULL,
    status_by       TEXT,
    found_at        TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX findings_village_status ON findings (village_code, status, kind);

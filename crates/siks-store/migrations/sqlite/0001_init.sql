-- siks schema, version 1 (SQLite). Keep in step with ../postgres/0001_init.sql:
-- same tables, same columns, same names; only types and collations differ.

CREATE TABLE regions (
    code        TEXT PRIMARY KEY,
    level       INTEGER NOT NULL,
    parent_code TEXT,
    name        TEXT NOT NULL
);
CREATE INDEX regions_parent ON regions (parent_code);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL,
    scope         TEXT NOT NULL,
    active        BOOLEAN NOT NULL,
    password_hash TEXT,
    created_at    TEXT NOT NULL,
    created_by    TEXT,
    version       INTEGER NOT NULL
);

CREATE TABLE households (
    id              TEXT PRIMARY KEY,
    village_code    TEXT NOT NULL REFERENCES regions (code),
    rt              TEXT NOT NULL,
    rw              TEXT NOT NULL,
    street          TEXT NOT NULL,
    sls_name        TEXT NOT NULL,
    latitude        REAL,
    longitude       REAL,
    housing         TEXT NOT NULL,
    assets          TEXT NOT NULL,
    evidence        TEXT NOT NULL,
    status          TEXT NOT NULL,
    inactive_reason INTEGER,
    welfare_score   REAL,
    desil           INTEGER,
    programmes      TEXT NOT NULL,
    last_verified   TEXT,
    version         INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    -- The import batch that created the household, if any (provenance).
    import_batch    TEXT
);
CREATE INDEX households_village_status ON households (village_code, status);
CREATE INDEX households_import_batch ON households (import_batch);

CREATE TABLE persons (
    id                      TEXT PRIMARY KEY,
    household_id            TEXT NOT NULL REFERENCES households (id),
    village_code            TEXT NOT NULL,
    nik                     TEXT NOT NULL,
    nik_valid               BOOLEAN NOT NULL,
    no_kk                   TEXT NOT NULL,
    no_kk_valid             BOOLEAN NOT NULL,
    family_no               INTEGER NOT NULL,
    full_name               TEXT NOT NULL,
    sex                     INTEGER NOT NULL,
    birth_place             TEXT NOT NULL,
    birth_date              TEXT NOT NULL,
    relation_to_head        INTEGER NOT NULL,
    relation_to_family_head INTEGER NOT NULL,
    marital_status          INTEGER NOT NULL,
    mother_name             TEXT NOT NULL,
    pregnant                BOOLEAN NOT NULL,
    disability              INTEGER,
    disability_severity     INTEGER,
    chronic_illness         INTEGER,
    school_participation    INTEGER NOT NULL,
    education               INTEGER,
    work_status             INTEGER,
    occupation_sector       INTEGER,
    presence                INTEGER NOT NULL,
    dukcapil                INTEGER NOT NULL,
    pmks                    INTEGER,
    status                  TEXT NOT NULL,
    inactive_reason         INTEGER,
    version                 INTEGER NOT NULL,
    created_at              TEXT NOT NULL,
    updated_at              TEXT NOT NULL
);
CREATE INDEX persons_household ON persons (household_id);
CREATE INDEX persons_village_status ON persons (village_code, status);
CREATE INDEX persons_nik ON persons (nik);

CREATE TABLE record_history (
    id           TEXT PRIMARY KEY,
    record_kind  TEXT NOT NULL,
    record_id    TEXT NOT NULL,
    village_code TEXT NOT NULL,
    version      INTEGER NOT NULL,
    change_kind  TEXT NOT NULL,
    actor_id     TEXT NOT NULL,
    actor_role   TEXT NOT NULL,
    at           TEXT NOT NULL,
    reason       TEXT NOT NULL,
    before_json  TEXT,
    after_json   TEXT
);
CREATE INDEX record_history_record ON record_history (record_id, version);

CREATE TABLE import_batches (
    id         TEXT PRIMARY KEY,
    actor_id   TEXT NOT NULL,
    at         TEXT NOT NULL,
    source     TEXT NOT NULL,
    households INTEGER NOT NULL,
    persons    INTEGER NOT NULL
);

CREATE TABLE audit_log (
    seq            INTEGER PRIMARY KEY,
    at             TEXT NOT NULL,
    actor_id       TEXT NOT NULL,
    actor_username TEXT NOT NULL,
    actor_role     TEXT NOT NULL,
    action         TEXT NOT NULL,
    target_kind    TEXT NOT NULL,
    target_id      TEXT NOT NULL,
    region_code    TEXT NOT NULL,
    detail         TEXT NOT NULL,
    prev_hash      TEXT NOT NULL,
    hash           TEXT NOT NULL
);
CREATE INDEX audit_log_target ON audit_log (target_id);

-- The chain's head: one row, updated in the same transaction as each append. Updating it
-- first serialises writers on both engines.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY,
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- siks schema, version 1 (PostgreSQL). Keep in step with ../sqlite/0001_init.sql:
-- same tables, same columns, same names; only types and collations differ.
-- Codes compared by range (village_code) use the C collation so that the order is byte order.

CREATE TABLE regions (
    code        TEXT COLLATE "C" PRIMARY KEY,
    level       BIGINT NOT NULL,
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
    version       BIGINT NOT NULL
);

CREATE TABLE households (
    id              TEXT PRIMARY KEY,
    village_code    TEXT COLLATE "C" NOT NULL REFERENCES regions (code),
    rt              TEXT NOT NULL,
    rw              TEXT NOT NULL,
    street          TEXT NOT NULL,
    sls_name        TEXT NOT NULL,
    latitude        DOUBLE PRECISION,
    longitude       DOUBLE PRECISION,
    housing         TEXT NOT NULL,
    assets          TEXT NOT NULL,
    evidence        TEXT NOT NULL,
    status          TEXT NOT NULL,
    inactive_reason BIGINT,
    welfare_score   DOUBLE PRECISION,
    desil           BIGINT,
    programmes      TEXT NOT NULL,
    last_verified   TEXT,
    version         BIGINT NOT NULL,
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
    village_code            TEXT COLLATE "C" NOT NULL,
    nik                     TEXT NOT NULL,
    nik_valid               BOOLEAN NOT NULL,
    no_kk                   TEXT NOT NULL,
    no_kk_valid             BOOLEAN NOT NULL,
    family_no               BIGINT NOT NULL,
    full_name               TEXT NOT NULL,
    sex                     BIGINT NOT NULL,
    birth_place             TEXT NOT NULL,
    birth_date              TEXT NOT NULL,
    relation_to_head        BIGINT NOT NULL,
    relation_to_family_head BIGINT NOT NULL,
    marital_status          BIGINT NOT NULL,
    mother_name             TEXT NOT NULL,
    pregnant                BOOLEAN NOT NULL,
    disability              BIGINT,
    disability_severity     BIGINT,
    chronic_illness         BIGINT,
    school_participation    BIGINT NOT NULL,
    education               BIGINT,
    work_status             BIGINT,
    occupation_sector       BIGINT,
    presence                BIGINT NOT NULL,
    dukcapil                BIGINT NOT NULL,
    pmks                    BIGINT,
    status                  TEXT NOT NULL,
    inactive_reason         BIGINT,
    version                 BIGINT NOT NULL,
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
    village_code TEXT COLLATE "C" NOT NULL,
    version      BIGINT NOT NULL,
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
    households BIGINT NOT NULL,
    persons    BIGINT NOT NULL
);

CREATE TABLE audit_log (
    seq            BIGINT PRIMARY KEY,
    at             TEXT NOT NULL,
    actor_id       TEXT NOT NULL,
    actor_username TEXT NOT NULL,
    actor_role     TEXT NOT NULL,
    action         TEXT NOT NULL,
    target_kind    TEXT NOT NULL,
    target_id      TEXT NOT NULL,
    region_code    TEXT COLLATE "C" NOT NULL,
    detail         TEXT NOT NULL,
    prev_hash      TEXT NOT NULL,
    hash           TEXT NOT NULL
);
CREATE INDEX audit_log_target ON audit_log (target_id);

-- The chain's head: one row, updated in the same transaction as each append. Updating it
-- first serialises writers on both engines.
CREATE TABLE audit_head (
    id   BIGINT PRIMARY KEY,
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

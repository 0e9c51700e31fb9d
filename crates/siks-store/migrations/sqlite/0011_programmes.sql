-- siks schema, version 11 (SQLite): programmes, quotas and beneficiary lists. Keep in step
-- with ../postgres/0011_programmes.sql.

-- Every saved version of a programme's definition (TOML with its rules); the newest of a code
-- is in force. A code never saved uses the definition siks ships.
CREATE TABLE programme_versions (
    id              TEXT PRIMARY KEY,
    code            TEXT NOT NULL,
    version         INTEGER NOT NULL,
    definition      TEXT NOT NULL,
    note            TEXT NOT NULL,
    saved_by        TEXT NOT NULL,
    saved_at        TEXT NOT NULL,
    UNIQUE (code, version)
);

-- How many units (households, families or persons, as the programme counts) a regency may
-- have; none set: no limit.
CREATE TABLE programme_quotas (
    code            TEXT NOT NULL,
    regency_code    TEXT NOT NULL,
    quota           INTEGER NOT NULL,
    set_by          TEXT NOT NULL,
    set_at          TEXT NOT NULL,
    PRIMARY KEY (code, regency_code)
);

-- A programme's beneficiary list (KPM) for a period, as built; rebuilt while the period is open.
CREATE TABLE beneficiary_lists (
    id              TEXT PRIMARY KEY,
    period          TEXT NOT NULL,
    code            TEXT NOT NULL,
    definition      TEXT NOT NULL,
    units           INTEGER NOT NULL,
    amount          INTEGER NOT NULL,
    built_by        TEXT NOT NULL,
    built_at        TEXT NOT NULL,
    UNIQUE (period, code)
);

-- One unit of a list: the household, the family or person when the programme counts those,
-- its desil and score, its yearly amount and components, and its place within its regency.
CREATE TABLE beneficiaries (
    list_id         TEXT NOT NULL REFERENCES beneficiary_lists (id),
    household_id    TEXT NOT NULL,
    village_code    TEXT NOT NULL,
    family_no       INTEGER,
    person_id       TEXT,
    desil           INTEGER NOT NULL,
    score           REAL NOT NULL,
    amount          INTEGER NOT NULL,
    components      TEXT NOT NULL,
    position        INTEGER NOT NULL
);
CREATE INDEX beneficiaries_list ON beneficiaries (list_id, village_code);
CREATE INDEX beneficiaries_household ON beneficiaries (household_id);

-- Households that were on the previous period's list and are not on this one, and why.
CREATE TABLE beneficiary_departures (
    list_id         TEXT NOT NULL REFERENCES beneficiary_lists (id),
    household_id    TEXT NOT NULL,
    village_code    TEXT NOT NULL,
    reason          TEXT NOT NULL
);
CREATE INDEX beneficiary_departures_list ON beneficiary_departures (list_id, village_code);

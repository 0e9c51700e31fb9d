-- siks schema, version 29 (PostgreSQL): the PPKS and PSKS registries (docs/adr/0025). Keep in
-- step with ../sqlite/0029_social_registries.sql.

-- People and families with social-welfare problems, by village; what identifies them and
-- their need sealed (details), the category, unit and service plain for the counts.
CREATE TABLE ppks_records (
    id           TEXT PRIMARY KEY,
    village_code TEXT NOT NULL,
    category     BIGINT NOT NULL,
    unit         BIGINT NOT NULL,
    service      BIGINT NOT NULL,
    -- The registered person it is, when they are in the register.
    person_id    TEXT,
    details      TEXT NOT NULL,
    status       TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    version      BIGINT NOT NULL
);
CREATE INDEX ppks_records_village ON ppks_records (village_code, category);

-- Social-welfare resources by area of work (a regency, district or village).
CREATE TABLE psks_records (
    id           TEXT PRIMARY KEY,
    area_code    TEXT NOT NULL,
    kind         BIGINT NOT NULL,
    valid_from   TEXT NOT NULL,
    valid_until  TEXT,
    details      TEXT NOT NULL,
    status       TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    version      BIGINT NOT NULL
);
CREATE INDEX psks_records_area ON psks_records (area_code, kind);

-- The households a worker (a PKH companion) accompanies.
CREATE TABLE psks_households (
    psks_id      TEXT NOT NULL REFERENCES psks_records (id),
    household_id TEXT NOT NULL,
    village_code TEXT NOT NULL,
    linked_at    TEXT NOT NULL,
    PRIMARY KEY (psks_id, household_id)
);
CREATE INDEX psks_households_household ON psks_households (household_id);

-- siks schema, version 28 (PostgreSQL): what citizens bring (usul, sanggah, a data
-- subject's correction request), each in its village's queue. Keep in step with
-- ../sqlite/0028_citizen_requests.sql.

CREATE TABLE citizen_requests (
    id           TEXT PRIMARY KEY,
    -- The code the citizen keeps to follow it (unique; see siks_domain::citizen).
    receipt      TEXT NOT NULL UNIQUE,
    kind         TEXT NOT NULL,
    village_code TEXT NOT NULL,
    -- A sanggah's recipient household; a correction's household and person.
    household_id TEXT,
    person_id    TEXT,
    -- What the citizen wrote (names, a NIK), sealed.
    content      TEXT NOT NULL,
    status       TEXT NOT NULL,
    -- The operator's answer, sealed ('' until answered).
    answer       TEXT NOT NULL,
    -- The proposal it became.
    proposal_id  TEXT,
    -- NULL: filed on the public side; else the officer's account that took it.
    filed_by     TEXT,
    handled_by   TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX citizen_requests_village ON citizen_requests (village_code, status, created_at);

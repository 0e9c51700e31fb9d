-- siks schema, version 5 (PostgreSQL): proposals and the steps they went through. Keep in step with
-- ../sqlite/0005_proposals.sql.

CREATE TABLE proposals (
    id           TEXT PRIMARY KEY,
    kind         BIGINT NOT NULL,
    village_code TEXT COLLATE "C" NOT NULL,
    household_id TEXT NOT NULL,
    person_id    TEXT,
    stage        TEXT NOT NULL,
    content      TEXT NOT NULL,
    backing      TEXT,
    reason       TEXT NOT NULL,
    period       TEXT,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    version      BIGINT NOT NULL
);
CREATE INDEX proposals_stage_village ON proposals (stage, village_code);
CREATE INDEX proposals_household ON proposals (household_id);

-- Every step of every proposal: who, when, from which stage to which, and the note.
CREATE TABLE proposal_steps (
    id          TEXT PRIMARY KEY,
    proposal_id TEXT NOT NULL REFERENCES proposals (id),
    step        TEXT NOT NULL,
    from_stage  TEXT NOT NULL,
    to_stage    TEXT NOT NULL,
    actor_id    TEXT NOT NULL,
    actor_role  TEXT NOT NULL,
    at          TEXT NOT NULL,
    note        TEXT NOT NULL
);
CREATE INDEX proposal_steps_proposal ON proposal_steps (proposal_id);

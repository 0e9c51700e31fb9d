-- siks schema, version 10 (PostgreSQL): welfare ranking runs. Keep in step with
-- ../sqlite/0010_welfare_ranks.sql.

-- One ranking of the whole register with a PMT model (its text kept, so that any score can be
-- explained later).
CREATE TABLE rank_runs (
    id              TEXT PRIMARY KEY,
    model_name      TEXT NOT NULL,
    model_text      TEXT NOT NULL,
    reference_date  TEXT NOT NULL,
    households      BIGINT NOT NULL,
    ran_by          TEXT NOT NULL,
    ran_at          TEXT NOT NULL
);

-- Each household's score in a run: estimated monthly spending per person (rupiah), the BPS
-- criteria that hold, and its desil nationally and within its regency. The households table
-- carries the latest run's score and national desil; this table is their history.
CREATE TABLE household_ranks (
    run_id          TEXT NOT NULL REFERENCES rank_runs (id),
    household_id    TEXT NOT NULL,
    village_code    TEXT NOT NULL,
    score           DOUBLE PRECISION NOT NULL,
    bps_met         BIGINT NOT NULL,
    desil           BIGINT NOT NULL,
    desil_regency   BIGINT NOT NULL,
    PRIMARY KEY (run_id, household_id)
);
CREATE INDEX household_ranks_household ON household_ranks (household_id);

-- siks schema, version 17 (SQLite): what a job produced for its page, the register's
-- generation for the wide pages' counts, and migration 16's index dropped. Keep in step with
-- ../postgres/0017_job_results.sql.

-- A rules dry run's table (JSON), shown on the rules page when the job has ended.
ALTER TABLE jobs ADD COLUMN result TEXT;

-- Bumped in the same transaction as every write that changes who is active where, or a
-- finding: a server keeps the counts of a province or the nation until it moves (ADR 0017).
CREATE TABLE data_generations (
    name TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO data_generations (name, value) VALUES ('register', 0);

-- Migration 16's index did not serve the findings page (its status is a parameter that may be
-- empty, so no plan can fix it) and drew the open-findings counts of a regency onto itself,
-- twice as slow as through findings_village_status (ADR 0017, measured at a million persons).
DROP INDEX findings_status_newest;

-- siks schema, version 14 (PostgreSQL): jobs kept in the database. Keep in step with
-- ../sqlite/0014_jobs.sql.

-- Work that takes longer than a person waits for (a check run, a period close) runs as a job: its
-- request, who started it and where, its state and progress, and what it came to. A job outlives
-- the server: one that was running when the server stopped is marked interrupted at the next
-- start and can be run again.
CREATE TABLE jobs (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL,
    request         TEXT NOT NULL,
    state           TEXT NOT NULL,
    region_code     TEXT NOT NULL,
    created_by      TEXT NOT NULL REFERENCES users (id),
    created_at      TEXT NOT NULL,
    started_at      TEXT,
    finished_at     TEXT,
    phase           TEXT NOT NULL,
    done_steps      BIGINT NOT NULL,
    total_steps     BIGINT NOT NULL,
    outcome         TEXT,
    attempts        BIGINT NOT NULL,
    version         BIGINT NOT NULL
);
CREATE INDEX jobs_created_by ON jobs (created_by, created_at);
CREATE INDEX jobs_state ON jobs (state);

-- siks schema, version 6 (PostgreSQL): closed periods and the register's counts at each close.
-- Keep in step with ../sqlite/0006_periods.sql.

CREATE TABLE periods (
    period     TEXT PRIMARY KEY,
    closed_at  TEXT NOT NULL,
    closed_by  TEXT NOT NULL,
    applied    BIGINT NOT NULL,
    sent_back  BIGINT NOT NULL
);

-- Active households and persons per village when the period closed: fixed for ever.
CREATE TABLE period_counts (
    period       TEXT NOT NULL,
    village_code TEXT COLLATE "C" NOT NULL,
    households   BIGINT NOT NULL,
    persons      BIGINT NOT NULL,
    PRIMARY KEY (period, village_code)
);

-- siks schema, version 6 (SQLite): closed periods and the register's counts at each close.
-- Keep in step with ../postgres/0006_periods.sql.

CREATE TABLE periods (
    period     TEXT PRIMARY KEY,
    closed_at  TEXT NOT NULL,
    closed_by  TEXT NOT NULL,
    applied    INTEGER NOT NULL,
    sent_back  INTEGER NOT NULL
);

-- Active households and persons per village when the period closed: fixed for ever.
CREATE TABLE period_counts (
    period       TEXT NOT NULL,
    village_code TEXT NOT NULL,
    households   INTEGER NOT NULL,
    persons      INTEGER NOT NULL,
    PRIMARY KEY (period, village_code)
);

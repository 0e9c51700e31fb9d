-- siks schema, version 9 (PostgreSQL): outside lists. Keep in step with
-- ../sqlite/0009_outside_lists.sql.

-- One imported list: the civil-registry extract, a death register, civil servants, an exclusion
-- list. `in_force` is false once a newer list of the same kind and source replaced it (death
-- registers add up and stay in force).
CREATE TABLE outside_lists (
    id            TEXT PRIMARY KEY,
    kind          TEXT NOT NULL,
    source        TEXT NOT NULL,
    file_name     TEXT NOT NULL,
    row_count     BIGINT NOT NULL,
    in_force      BOOLEAN NOT NULL,
    imported_at   TEXT NOT NULL,
    imported_by   TEXT NOT NULL
);
CREATE INDEX outside_lists_kind ON outside_lists (kind, source, in_force);

-- Its rows as written: a NIK may be missing ('') or wrong; dates are ISO or ''.
CREATE TABLE outside_list_rows (
    list_id      TEXT NOT NULL,
    line         BIGINT NOT NULL,
    nik          TEXT NOT NULL,
    full_name    TEXT NOT NULL,
    sex          TEXT NOT NULL,
    birth_date   TEXT NOT NULL,
    birth_place  TEXT NOT NULL,
    no_kk        TEXT NOT NULL,
    status       TEXT NOT NULL,
    note         TEXT NOT NULL,
    PRIMARY KEY (list_id, line)
);
CREATE INDEX outside_list_rows_nik ON outside_list_rows (nik);

-- The quality count asks, per person, whether an open finding names the household.
CREATE INDEX findings_household ON findings (household_id, status);

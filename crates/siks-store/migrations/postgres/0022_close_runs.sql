-- siks schema, version 22 (PostgreSQL): a period close that is running (issue 18, ADR 0018). Keep
-- in step with ../sqlite/0022_close_runs.sql.

-- A close writes the register in short transactions; its row says that it runs (a second close
-- of the same period is refused meanwhile) and when it last wrote. The close's last transaction
-- removes it; a close that failed undoes what it wrote and removes it; a row whose close stopped
-- writing long ago is a close whose process died, undone by the next close or server start.
CREATE TABLE close_runs (
    period     TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    alive_at   TEXT NOT NULL
);

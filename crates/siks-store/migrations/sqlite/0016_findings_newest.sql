-- siks schema, version 16 (SQLite): the findings page reads the newest first. Keep in step with
-- ../postgres/0016_findings_newest.sql.

-- A national scope holds hundreds of thousands of findings: the page walks this index from its
-- newest end and stops after a page, instead of sorting them all.
CREATE INDEX findings_status_newest ON findings (status, found_at, id);

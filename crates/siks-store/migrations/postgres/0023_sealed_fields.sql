-- siks schema, version 23 (PostgreSQL): a person's specific data sealed (docs/adr/0020). Keep in step
-- with ../sqlite/0023_sealed_fields.sql.

-- `identity` seals a person's NIK, No KK and mother's name, `health` the pregnancy, disability
-- and chronic illness; `nik_key` and `no_kk_key` are the numbers' blind indexes (keyed hashes),
-- which searches, the uniqueness of a NIK and the matching of outside lists go through. The
-- plain columns stay, written blank ('', false, NULL): sealing is not SQL, so the program seals
-- what an older database holds in them the first time it opens it with its keys, and blanks
-- them (`identity IS NULL` marks a person not sealed yet).
ALTER TABLE persons ADD COLUMN identity TEXT;
ALTER TABLE persons ADD COLUMN health TEXT;
ALTER TABLE persons ADD COLUMN nik_key TEXT NOT NULL DEFAULT '';
ALTER TABLE persons ADD COLUMN no_kk_key TEXT NOT NULL DEFAULT '';
DROP INDEX persons_nik;
DROP INDEX persons_no_kk;
CREATE INDEX persons_nik_key ON persons (nik_key);
CREATE INDEX persons_no_kk_key ON persons (no_kk_key);

-- An outside list's NIK and No KK are sealed where they stand; its NIK is matched by its blind
-- index ('' for a row without a NIK).
ALTER TABLE outside_list_rows ADD COLUMN nik_key TEXT NOT NULL DEFAULT '';
DROP INDEX outside_list_rows_nik;
CREATE INDEX outside_list_rows_nik_key ON outside_list_rows (nik_key);

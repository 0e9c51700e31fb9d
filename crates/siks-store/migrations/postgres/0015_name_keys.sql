-- siks schema, version 15 (PostgreSQL): names searched as the linkage crate writes them. Keep in
-- step with ../sqlite/0015_name_keys.sql.

-- `name_key` now holds the name normalised (Muhamad = Muhammad = Moh., the old spelling oe/dj/tj,
-- titles dropped) and `name_sorted` the same words in alphabetical order, so that a search finds
-- "Aminah Siti" as "Siti Aminah". Both are filled by the program when it opens a database with
-- empty `name_sorted` values (the normalisation is not SQL).
ALTER TABLE persons ADD COLUMN name_sorted TEXT COLLATE "C" NOT NULL DEFAULT '';
CREATE INDEX persons_name_sorted ON persons (name_sorted, id);

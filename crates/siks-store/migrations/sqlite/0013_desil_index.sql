-- siks schema, version 13 (SQLite): the counts by village and status also carry the desil. Keep
-- in step with ../postgres/0013_desil_index.sql.

-- A report counts a region's active households by desil: with the desil in the index that
-- already serves the counts by status, that is read from the index alone instead of visiting
-- every household row (a regency of 200,000 households: 350 ms to 50 ms). The ranking pays for
-- it when it writes the desil.
DROP INDEX households_village_status;
CREATE INDEX households_village_status ON households (village_code, status, desil);

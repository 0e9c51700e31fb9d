-- siks schema, version 32 (sqlite): the public check's reads found by index alone. Keep in step
-- with the other engine's 0032.

-- The public check (Cek Bansos) asks for a whole name in one village. The regency's name index
-- (migration 19) found every person of that name in the regency, each read from the table only
-- to learn its village: for a common name, hundreds of reads to find one or two. By village
-- and name, the index holds just the matches.
CREATE INDEX persons_village_name ON persons (village_code, name_key, id);

-- Then, per match, whether each programme's newest list holds the household: with the index by
-- list and village alone that read every row of the village's lists (a table lookup each) to
-- find one. The household at the end of the same index finds it at once, and lists are still
-- written in village order, so their writing appends to the index as before.
DROP INDEX beneficiaries_list;
CREATE INDEX beneficiaries_list ON beneficiaries (list_id, village_code, household_id);

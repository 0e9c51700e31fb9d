-- siks schema, version 30 (sqlite): the group of a list's row for programmes whose unit is a group
-- of families (KUBE) or a village's community (KAT). Keep in step with the other engine's 0030.

-- The group within the row's village (1, 2, ...); NULL for programmes that do not group. A
-- grouped list's unit is the group: its counts per village say how many groups, while each row
-- still holds one family or household with its own amount.
ALTER TABLE beneficiaries ADD COLUMN unit_group INTEGER;

-- Whether the public check may say who is on the list: not for a programme chosen by PPKS
-- category or disability (ATENSI, PKSA, KAT), whose YA would disclose specific personal data.
ALTER TABLE beneficiary_lists ADD COLUMN public_check INTEGER NOT NULL DEFAULT 1;

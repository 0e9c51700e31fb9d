-- Reports read counts per village, so they stay fast however large the region.

-- The latest ranking run's regency desil and BPS count on the household, beside its score and
-- national desil: the lists read them with the household instead of looking each one up.
ALTER TABLE households ADD COLUMN desil_regency BIGINT;
ALTER TABLE households ADD COLUMN bps_met BIGINT;
UPDATE households SET desil_regency = (SELECT r.desil_regency FROM household_ranks r
        WHERE r.household_id = households.id AND r.run_id =
            (SELECT id FROM rank_runs ORDER BY ran_at DESC, id DESC LIMIT 1)),
    bps_met = (SELECT r.bps_met FROM household_ranks r
        WHERE r.household_id = households.id AND r.run_id =
            (SELECT id FROM rank_runs ORDER BY ran_at DESC, id DESC LIMIT 1))
WHERE desil IS NOT NULL;

-- Data quality: the open error findings of a region, with whom they name, from the index alone.
CREATE INDEX findings_open_errors ON findings (status, severity, village_code, household_id, person_id);

-- A household's person units (PBI-JK's members) are one row: their ids, space-separated, in
-- ranking order from `position`, and how many units the row holds; `amount` stays one unit's.
ALTER TABLE beneficiaries RENAME COLUMN person_id TO person_ids;
ALTER TABLE beneficiaries ADD COLUMN units BIGINT NOT NULL DEFAULT 1;

-- Nothing looks a list up by household; the index only slowed every list's writing.
DROP INDEX beneficiaries_household;

-- Each list's units, households and yearly amount per village, written with the list: a report
-- reads one row per village and programme instead of every beneficiary.
CREATE TABLE beneficiary_counts (
    list_id         TEXT NOT NULL REFERENCES beneficiary_lists (id),
    village_code    TEXT NOT NULL,
    units           BIGINT NOT NULL,
    households      BIGINT NOT NULL,
    amount          BIGINT NOT NULL,
    PRIMARY KEY (list_id, village_code)
);
INSERT INTO beneficiary_counts (list_id, village_code, units, households, amount)
SELECT list_id, village_code, SUM(units), COUNT(DISTINCT household_id), SUM(amount * units)
FROM beneficiaries GROUP BY list_id, village_code;

-- Reports read counts per village, so they stay fast however large the region.
--
-- Active households by desil: the village-and-status index also carries the desil, so the count
-- is read from the index alone.
DROP INDEX households_village_status;
CREATE INDEX households_village_status_desil ON households (village_code, status, desil);

-- Data quality: the open error findings of a region, with whom they name, from the index alone.
CREATE INDEX findings_open_errors ON findings (status, severity, village_code, household_id, person_id);

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
SELECT list_id, village_code, COUNT(*), COUNT(DISTINCT household_id), SUM(amount)
FROM beneficiaries GROUP BY list_id, village_code;

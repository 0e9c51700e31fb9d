-- siks schema, version 19 (PostgreSQL): persons by name within a regency or a province, region
-- first (ADR 0018). Keep in step with ../sqlite/0019_region_name_index.sql.

-- A regency's or a province's name search read the nation's persons of that name through
-- persons_name_key and kept those of its region: the wider the name, the more it read for
-- nothing. These put the region first; the searches say `substr(village_code, 1, 5)` (a
-- regency, `35.23`) or `substr(village_code, 1, 2)` (a province) exactly as written here.
CREATE INDEX persons_regency_name ON persons (substr(village_code, 1, 5), name_key, id);
CREATE INDEX persons_regency_name_sorted ON persons (substr(village_code, 1, 5), name_sorted, id);
CREATE INDEX persons_province_name ON persons (substr(village_code, 1, 2), name_key, id);
CREATE INDEX persons_province_name_sorted ON persons (substr(village_code, 1, 2), name_sorted, id);

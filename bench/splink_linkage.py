"""Splink 4 (DuckDB) on the harder linkage file of `siks match generate`, for `siks-bench linkage`
(which runs `siks match dedupe` on the same file in the same run). Prints one line the bench reads:
`splink: SECONDS s, peak MIB MiB, pairs N, f1@0.9 P R F, best THRESHOLD P R F`. Not part of CI.

Settings, as a careful user would choose them from the columns' meaning and Splink's own guide:
- names with Splink's NameComparison (Jaro-Winkler bands) and term-frequency adjustments;
- the birth date with DateOfBirthComparison (one month, one year, ten years);
- the id with Levenshtein at 1 and 2, address columns with Jaro-Winkler or exact and TF;
- prediction blocking on both names, surname with date, given name with date, postcode with
  given name, the id, and both names crosswise (swapped);
- the prior from deterministic rules with recall 0.7, u from 10 million random pairs, EM on
  the date of birth and on both names.
"""

import csv
import resource
import sys
import time

import pandas as pd
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

records, truth_path = sys.argv[1], sys.argv[2]
started = time.time()
df = pd.read_csv(records, dtype=str, keep_default_na=False).replace({"": None})
settings = SettingsCreator(
    link_type="dedupe_only",
    unique_id_column_name="rec_id",
    comparisons=[
        cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
        cl.NameComparison("surname").configure(term_frequency_adjustments=True),
        cl.DateOfBirthComparison(
            "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
        ),
        cl.LevenshteinAtThresholds("soc_sec_id", [1, 2]),
        cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
        cl.JaroWinklerAtThresholds("address_1", [0.9, 0.7]).configure(
            term_frequency_adjustments=True
        ),
        cl.JaroWinklerAtThresholds("address_2", [0.9]),
        cl.JaroWinklerAtThresholds("suburb", [0.9]).configure(term_frequency_adjustments=True),
        cl.LevenshteinAtThresholds("postcode", [1]),
        cl.ExactMatch("state").configure(term_frequency_adjustments=True),
    ],
    blocking_rules_to_generate_predictions=[
        block_on("given_name", "surname"),
        block_on("surname", "date_of_birth"),
        block_on("given_name", "date_of_birth"),
        block_on("postcode", "given_name"),
        block_on("soc_sec_id"),
        "l.given_name = r.surname and l.surname = r.given_name",
    ],
    retain_intermediate_calculation_columns=False,
)
linker = Linker(df, settings, db_api=DuckDBAPI())
linker.training.estimate_probability_two_random_records_match(
    [block_on("given_name", "surname", "date_of_birth"), block_on("soc_sec_id")], recall=0.7
)
linker.training.estimate_u_using_random_sampling(max_pairs=1e7)
linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
linker.training.estimate_parameters_using_expectation_maximisation(
    block_on("given_name", "surname")
)
predictions = linker.inference.predict(threshold_match_probability=0.01).as_pandas_dataframe()
seconds = time.time() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

person = {}
with open(truth_path, newline="") as f:
    for row in csv.DictReader(f):
        person[row["rec_id"]] = row["person"]
sizes = {}
for p in person.values():
    sizes[p] = sizes.get(p, 0) + 1
true_pairs = sum(n * (n - 1) // 2 for n in sizes.values())
scored = sorted(
    (
        (p, person[a] == person[b])
        for a, b, p in zip(predictions["rec_id_l"], predictions["rec_id_r"], predictions["match_probability"])
    ),
    reverse=True,
)


def at(t):
    chosen = [hit for p, hit in scored if p >= t]
    hits = sum(chosen)
    precision = hits / max(len(chosen), 1)
    recall = hits / max(true_pairs, 1)
    f1 = 2 * hits / max(len(chosen) + true_pairs, 1)
    return precision, recall, f1


best, hits = (0.0, 1.0), 0
for i, (p, hit) in enumerate(scored):
    hits += hit
    f1 = 2 * hits / (i + 1 + true_pairs)
    if f1 > best[0]:
        best = (f1, p)
p9, r9, f9 = at(0.9)
pb, rb, fb = at(best[1])
print(
    f"splink: {seconds:.1f} s, peak {peak:.0f} MiB, pairs {len(predictions)}, "
    f"f1@0.9 {p9:.4f} {r9:.4f} {f9:.4f}, best {best[1]:.4f} {pb:.4f} {rb:.4f} {fb:.4f}"
)

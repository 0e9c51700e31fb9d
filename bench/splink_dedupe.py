"""Splink 4 (DuckDB) on the same persons file as `siks match dedupe`, for the comparison in
bench/splink-vs-siks.sh. Prints the time, the peak memory and the accuracy against the
generator's ground truth. Not part of CI."""

import csv
import resource
import sys
import time

import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
import pandas as pd

persons, truth_path, threshold = sys.argv[1], sys.argv[2], float(sys.argv[3])
# Splink is given the identifying columns only, as its documentation models people: with the
# person's other recorded attributes too (marital status, schooling, work: all tied to age) EM
# took "people of the same age" for the match class and rated true duplicates below 0.001.
columns = ["id", "full_name", "birth_date", "sex", "birth_place", "mother_name"]

started = time.time()
df = pd.read_csv(persons, usecols=columns, dtype=str, keep_default_na=False)
df = df.replace({"": None})
settings = SettingsCreator(
    link_type="dedupe_only",
    unique_id_column_name="id",
    comparisons=[
        cl.JaroWinklerAtThresholds("full_name", [0.95, 0.88]).configure(
            term_frequency_adjustments=True
        ),
        cl.LevenshteinAtThresholds("birth_date", [1, 2]),
        cl.ExactMatch("sex"),
        cl.ExactMatch("birth_place").configure(term_frequency_adjustments=True),
        cl.JaroWinklerAtThresholds("mother_name", [0.95, 0.88]),
    ],
    blocking_rules_to_generate_predictions=[block_on("birth_date", "sex")],
    retain_intermediate_calculation_columns=False,
)
linker = Linker(df, settings, db_api=DuckDBAPI())
# Settings that work at 75,000 people (20,000 households): precision 0.994 at recall 0.875 at
# Splink's best threshold. At 1,000,000 people every variant tried (priors from name and
# birthday, from all five identifying columns, from birthday, sex, mother and birthplace; 2e6 or
# 1e7 random pairs for u; a second EM blocked on name and mother, or name and birthplace) rated
# all pairs below 0.5. Blocking EM on the name alone does not finish there (its pairs fill the
# disk). Improvements welcome; the figures are in issue 5's notes.
linker.training.estimate_probability_two_random_records_match(
    [block_on("full_name", "birth_date"), block_on("mother_name", "birth_date")], recall=0.8
)
linker.training.estimate_u_using_random_sampling(max_pairs=1e7)
linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth_date"))
linker.training.estimate_parameters_using_expectation_maximisation(block_on("full_name", "birth_place"))
predictions = linker.inference.predict(threshold_match_probability=0.01).as_pandas_dataframe()
seconds = time.time() - started

truth = set()
with open(truth_path, newline="") as f:
    for row in csv.DictReader(f):
        if row["defect"] == "duplicate_person":
            truth.add(frozenset((row["person_id"], row["other_person_id"])))
scored = sorted(
    ((p, frozenset((a, b)) in truth)
     for a, b, p in zip(predictions["id_l"], predictions["id_r"], predictions["match_probability"])),
    reverse=True,
)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def at(t):
    chosen = [hit for p, hit in scored if p >= t]
    hits = sum(chosen)
    return len(chosen), hits / max(len(chosen), 1), hits / max(len(truth), 1)


found, precision, recall = at(threshold)
print(f"splink: {seconds:.1f} s, peak {peak:.0f} MiB; threshold {threshold}: {found} pairs, "
      f"precision {precision:.4f}, recall {recall:.4f}")
# The threshold that suits Splink best, chosen with the answers (an advantage siks does not get).
best, hits = (0.0, 1.0), 0
for i, (p, hit) in enumerate(scored):
    hits += hit
    f1 = 2 * hits / (i + 1 + len(truth))
    if f1 > best[0]:
        best = (f1, p)
found, precision, recall = at(best[1])
print(f"splink at its best threshold {best[1]:.4f} (chosen with the ground truth): {found} pairs, "
      f"precision {precision:.4f}, recall {recall:.4f}")

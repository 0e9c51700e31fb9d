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
categorical = ["marital_status", "education", "work_status", "occupation_sector", "disability",
               "chronic_illness", "school_participation", "pregnant", "dukcapil", "pmks"]
columns = ["id", "full_name", "birth_date", "sex", "birth_place", "mother_name"] + categorical

started = time.time()
df = pd.read_csv(persons, usecols=columns, dtype=str, keep_default_na=False)
df = df.replace({"": None})
settings = SettingsCreator(
    link_type="dedupe_only",
    unique_id_column_name="id",
    comparisons=[
        cl.JaroWinklerAtThresholds("full_name", [0.95, 0.88]),
        cl.ExactMatch("birth_date"),
        cl.ExactMatch("sex"),
        cl.ExactMatch("birth_place"),
        cl.JaroWinklerAtThresholds("mother_name", [0.95, 0.88]),
    ] + [cl.ExactMatch(c) for c in categorical],
    blocking_rules_to_generate_predictions=[block_on("birth_date", "sex")],
)
linker = Linker(df, settings, db_api=DuckDBAPI())
linker.training.estimate_probability_two_random_records_match(
    [block_on("birth_date", "sex", "mother_name", "birth_place")], recall=0.9
)
linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth_date", "sex"))
linker.training.estimate_parameters_using_expectation_maximisation(block_on("full_name", "mother_name"))
predictions = linker.inference.predict(threshold_match_probability=threshold).as_pandas_dataframe()
seconds = time.time() - started

truth = set()
with open(truth_path, newline="") as f:
    for row in csv.DictReader(f):
        if row["defect"] == "duplicate_person":
            truth.add(frozenset((row["person_id"], row["other_person_id"])))
hits = sum(1 for a, b in zip(predictions["id_l"], predictions["id_r"]) if frozenset((a, b)) in truth)
found = len(predictions)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"splink: {seconds:.1f} s, peak {peak:.0f} MiB; threshold {threshold}: {found} pairs, "
      f"precision {hits / max(found, 1):.4f}, recall {hits / max(len(truth), 1):.4f}")

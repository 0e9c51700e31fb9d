#!/usr/bin/env bash
# Splink 4 (Python, DuckDB) and `siks match dedupe` on the same generated persons file, in one
# run: both times, both peak memories, both accuracies against the generator's ground truth.
# A benchmark, not part of CI. Usage: bench/splink-vs-siks.sh [HOUSEHOLDS] (270000 is about
# 1,000,000 persons). Needs python3 with venv; installs splink from PyPI into a cache folder.
set -euo pipefail
households="${1:-270000}"
here="$(cd "$(dirname "$0")/.." && pwd)"
venv="${SIKS_SPLINK_VENV:-$HOME/.cache/siks-splink-venv}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "splink>=4,<5"
fi
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/siks-target}"
(cd "$here" && cargo build --release --quiet -p siks)
siks="$CARGO_TARGET_DIR/release/siks"

"$siks" generate --region 35 --households "$households" --seed 7 --out "$work/data" > /dev/null
cp "$here/crates/siks-service/src/same_person.toml" "$work/persons.toml"

echo "persons: $(($(wc -l < "$work/data/persons.csv") - 1))"
start=$(date +%s.%N)
out=$(SIKS_REPORT_PEAK_MEMORY=1 "$siks" match dedupe --input "$work/data/persons.csv" \
  --config "$work/persons.toml" --out "$work/siks-pairs.csv" --summary "$work/summary.json")
end=$(date +%s.%N)
threshold=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["threshold"])' "$work/summary.json")
peak=$(echo "$out" | sed -n 's/^peak memory MiB: //p')
python3 - "$work/siks-pairs.csv" "$work/data/ground_truth.csv" "$threshold" "$start" "$end" "$peak" <<'PY'
import csv, sys
pairs, truth_path, t, start, end, peak = sys.argv[1:]
truth = {frozenset((r["person_id"], r["other_person_id"])) for r in csv.DictReader(open(truth_path)) if r["defect"] == "duplicate_person"}
found = hits = 0
for r in csv.DictReader(open(pairs)):
    if float(r["score"]) >= float(t):
        found += 1
        hits += frozenset((r["id_l"], r["id_r"])) in truth
print(f"siks:   {float(end) - float(start):.1f} s, peak {peak} MiB; threshold {t}: {found} pairs, "
      f"precision {hits / max(found, 1):.4f}, recall {hits / max(len(truth), 1):.4f}")
PY
# DuckDB spills into the working folder: keep that in the scratch folder, not the checkout.
(cd "$work" && "$venv/bin/python" "$here/bench/splink_dedupe.py" "$work/data/persons.csv" \
  "$work/data/ground_truth.csv" 0.5)

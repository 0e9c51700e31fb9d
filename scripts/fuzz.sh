#!/usr/bin/env bash
# Coverage-guided fuzzing of every target of crates/siks-fuzz under AFL++ (cargo-afl: it works
# on the stable toolchain, which cargo-fuzz does not), one target after another, each for
# SECONDS (default 600), then one line of figures per target. Not part of CI (it takes an hour
# and more); CI replays the corpus and every crash kept in fuzz/regressions.
#
#   scripts/fuzz.sh [SECONDS] [TARGET …]
#
# Needs cargo-afl (installed here with `cargo install cargo-afl` when missing, then
# `cargo afl config --build` once per toolchain). Each run starts from fuzz/corpus/TARGET and
# writes to fuzz/out/TARGET (not kept). A crash found is in fuzz/out/TARGET/default/crashes:
# copy it to fuzz/regressions/TARGET/, fix the parser, and the test
# `siks_fuzz::tests::the_corpus_and_every_crash_found_run_clean` keeps it fixed.
# With FUZZ_KEEP_CORPUS=1 the run's queue, minimised with afl-cmin, replaces fuzz/corpus/TARGET.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-600}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(nik region csv xlsx programme pmt linkage)
fi

if ! cargo afl --version >/dev/null 2>&1; then
    echo "memasang cargo-afl" >&2
    cargo install cargo-afl || exit 2
fi
cargo afl config --build >/dev/null 2>&1 || true
cargo afl build --release --manifest-path fuzz/Cargo.toml || exit 2
harness=fuzz/target/release/siks-fuzz-afl

export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1
status=0
printf '%-10s %8s %12s %10s %8s %8s %8s\n' target seconds execs execs/s corpus edges crashes
for target in "${targets[@]}"; do
    out="fuzz/out/$target"
    rm -rf "$out"
    mkdir -p fuzz/out
    SIKS_FUZZ_TARGET="$target" cargo afl fuzz -V "$seconds" -i "fuzz/corpus/$target" -o "$out" \
        -- "$harness" >"fuzz/out/$target.log" 2>&1
    stats="$out/default/fuzzer_stats"
    if [ ! -r "$stats" ]; then
        echo "$target: afl-fuzz did not run (fuzz/out/$target.log)" >&2
        status=1
        continue
    fi
    value() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
    crashes=$(value saved_crashes)
    printf '%-10s %8s %12s %10s %8s %8s %8s\n' "$target" "$(value run_time)" "$(value execs_done)" \
        "$(value execs_per_sec)" "$(value corpus_count)" "$(value edges_found)" "$crashes"
    [ "${crashes:-0}" = 0 ] || status=1
    if [ "${FUZZ_KEEP_CORPUS:-0}" = 1 ]; then
        rm -rf "fuzz/corpus-$target.min"
        SIKS_FUZZ_TARGET="$target" cargo afl cmin -i "$out/default/queue" -o "fuzz/corpus-$target.min" \
            -- "$harness" >/dev/null 2>&1 && rm -rf "fuzz/corpus/$target" &&
            mv "fuzz/corpus-$target.min" "fuzz/corpus/$target"
        # AFL's names hold ':' (no checkout on Windows): each kept under its content's hash.
        for file in "fuzz/corpus/$target"/*; do
            case "$file" in *:*|*,*) mv -n "$file" "fuzz/corpus/$target/$(sha1sum "$file" | cut -c1-16)" ;; esac
        done
    fi
done
exit $status

#!/usr/bin/env bash
# navbat: runs one AFL++ target for a time budget on one core, then prints its statistics.
# Usage: fuzz/run.sh TARGET SECONDS   (TARGET: scenario, overrides, sweep, service, records)
# Needs `cargo install cargo-afl` (builds AFL++ from the crate). Findings go to
# $FUZZ_OUT (default $HOME/.cache/navbat-fuzz/TARGET); reproduce one with
# `cargo afl build -p navbat-fuzz --features afl && $NAVBAT_AFL_TARGET_DIR/debug/fuzz-TARGET < FILE`.
set -euo pipefail
target=${1:?target}
seconds=${2:?seconds}
here=$(cd "$(dirname "$0")" && pwd)
# A target folder of its own: AFL's instrumentation flags would otherwise rebuild, and
# replace, the everyday release build.
export CARGO_TARGET_DIR=${NAVBAT_AFL_TARGET_DIR:-$HOME/.cache/navbat-target-afl}
out=${FUZZ_OUT:-$HOME/.cache/navbat-fuzz/$target}
mkdir -p "$out"
(cd "$here" && cargo afl build --release -p navbat-fuzz --features afl --bin "fuzz-$target")
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1
# -t: a case that takes over 2 s is a hang; -m none: Rust reserves address space freely.
# Resume a previous session in $out when there is one.
input="$here/corpus/$target"
[[ -f "$out/default/fuzzer_stats" ]] && input=-
# The RON dictionary helps every target but the record files (CSV).
dict=(-x "$here/dict/ron.dict")
[[ $target == records ]] && dict=()
cargo afl fuzz -i "$input" -o "$out" "${dict[@]}" -t 2000 -m none -V "$seconds" \
    "$CARGO_TARGET_DIR/release/fuzz-$target" > "$out/afl.log" 2>&1 || true
grep -E "execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs|bitmap_cvg|run_time" \
    "$out/default/fuzzer_stats"

#!/usr/bin/env bash
# Runs every fuzz target (fuzz/fuzz_targets/) for SECONDS each, 60 by default:
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# Each target starts from its seeds (fuzz/seeds/<target>/: the v1 and v2
# fixtures, the chat fixtures, JSON the tests use) and the corpus kept from
# earlier runs (fuzz/corpus/<target>/, not committed). An input that crashes,
# leaks past 2 GiB or takes more than 10 s is kept in fuzz/artifacts/<target>/
# and the script fails at the end: fix the bug, then copy the input into
# fuzz/regressions/<target>/, which the test command runs (src/fuzzing/).
#
# Needs the one toolchain with RUSTC_BOOTSTRAP=1 (cargo-fuzz uses nightly
# flags), and cargo-fuzz, installed from crates.io on first use. Not part of
# the test command.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
export RUSTC_BOOTSTRAP=1
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(sed -n 's/^name = "\([a-z_]*\)"$/\1/p' fuzz/Cargo.toml | grep -v '^incident')
fi
cargo fuzz build --fuzz-dir fuzz -O
failed=()
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
  # The report's data path needs typst: a build of its own (about half an
  # hour the first time), made only when that target is asked for.
  features=()
  [ "$t" = typst_data ] && features=(--features report)
  echo "== $t, ${seconds} s"
  # pipefail: the run's own status, not tail's.
  if ! cargo fuzz run --fuzz-dir fuzz -O "${features[@]}" "$t" "fuzz/corpus/$t" "fuzz/seeds/$t" -- \
      -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
      -artifact_prefix="fuzz/artifacts/$t/" -print_final_stats=1 2>&1 | tail -25; then
    failed+=("$t")
  fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "crashes or timeouts in: ${failed[*]} (inputs in fuzz/artifacts/)"
  exit 1
fi
echo "every target ran ${seconds} s with no crash"

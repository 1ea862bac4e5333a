#!/usr/bin/env bash
# The timeline with years of entries, in the real app and in the browser
# with the Rust side mocked (issue: a paged timeline and bounded IPC).
#
#   benches/timeline.sh [N]        # N incidents, 100000 by default
#
# Makes a vault of N incidents once (kept in target/bench-vault-N), then
#  1. runs the app (release build, e2e feature for WebDriver) under Xvfb and
#     times, inside the page: unlock to a drawn timeline, "Show 50 more", a
#     search, a behaviour filter; and sizes the IPC replies;
#  2. times the same screens in headless Chromium with the IPC mocked.
# Needs what scripts/setup.sh installs. Not part of the test command.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-100000}"
target="${CARGO_TARGET_DIR:-target}"
vault_dir="$target/bench-vault-$n"
if [ ! -d "$vault_dir/vault" ]; then
  mkdir -p "$vault_dir"
  # The new vault's rollback anchor goes to a folder of its own.
  DIARY_ANCHOR_DIR="$vault_dir/anchors" DIARY_KEYSTORE=off \
    cargo run -q --release --example bench_vault -- "$vault_dir" "$n"
fi
cargo build -q --release --bin diary
echo "== the real app, $n incidents (release build)"
INCIDENT_DIARY_BENCH_VAULT="$(realpath "$vault_dir/vault")" \
INCIDENT_DIARY_BENCH_PASSPHRASE="benchmark passphrase" \
  xvfb-run -a -s "-screen 0 1400x1000x24" \
  cargo test -q --release -p incident-diary-app --features e2e --test e2e \
    bench::timeline_with_years_of_entries -- --ignored --nocapture
echo "== headless Chromium, IPC mocked, $n incidents"
(cd ui/tests && node timeline-bench.mjs "$n")

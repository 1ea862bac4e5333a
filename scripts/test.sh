#!/usr/bin/env bash
# Installs what the tests need (scripts/setup.sh, quick when done before),
# then runs every check and test: formatting, lints, unit and integration
# tests (the frozen v1 fixtures included), the UI's accessibility checks and
# the app's end-to-end test.
#
# Clippy and the tests build the whole workspace with the same features in
# one invocation each, so the core (and typst) is compiled once for the CLI
# tests and the app alike, not once per package.
set -euo pipefail
cd "$(dirname "$0")/.."
# One build cache outside the clone (as .ci/run), so a run by hand reuses it.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/incident-diary/target}"
bash scripts/setup.sh
workspace=(--workspace --features incident-diary-app/e2e --locked)
cargo fmt --all -- --check
cargo clippy "${workspace[@]}" --all-targets -- -D warnings
# The core as the fuzz targets build it (fuzz/): without the report (typst)
# and the keyring, with the checks of src/fuzzing/.
cargo check -q -p incident-diary --no-default-features --features fuzzing --locked
# The UI in headless Chromium with the IPC mocked: axe-core on every screen,
# touch targets, reflow at 320 px and 200% text, nothing stored.
(cd ui/tests && node a11y.mjs)
# The WhatsApp fixtures of message import read alike by an independent
# parser (whatsapp-chat-parser) and by the expectations Rust is held to.
(cd ui/tests && node chat-crosscheck.mjs)
# The disguises in the phone configuration (launcher aliases, alternate
# icons) match the desktop's, and the manifest patch works and is idempotent.
python3 scripts/mobile-disguises.py check
# Unit and integration tests of the core and the CLI, and the real app end
# to end (the Tauri binary driven by WebDriver, on a virtual screen).
xvfb-run -a -s "-screen 0 1400x1000x24" cargo test "${workspace[@]}"

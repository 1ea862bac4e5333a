#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu machine (system packages for Tauri installed
# if missing) and opens the app. Safe to run again: later runs only build
# what changed and start the app.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec cargo run --release -p incident-diary-app --features custom-protocol

#!/usr/bin/env bash
# The crash campaign (issue 17): the real `diary` binary is killed (SIGKILL)
# at random points of add, amend, attach of a large file, key rotation,
# backup, restore and export, a tenth of the rounds with the vault's disk
# nearly full (a 160 MiB tmpfs, when run as root). After every round the
# vault must pass `check`, every acknowledged entry and exhibit must be there
# byte for byte, and no temporary or partial file may remain after the next
# unlock (tests/crash_campaign.rs).
#
#   scripts/crash-campaign.sh [KILLS]      # 1000 by default
#   DIARY_KILL_SEED=N scripts/crash-campaign.sh 1000   # repeat a run
#
# Not part of the test command (1,000 kills take some minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
DIARY_KILLS="${1:-1000}" cargo test -q --test tests crash_campaign -- --ignored --nocapture

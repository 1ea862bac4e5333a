#!/usr/bin/env bash
# Attachment throughput beside age, and peak memory (issues 3 and 16;
# BENCHMARKS.md "Attachments").
#   bash benches/attachments.sh [SIZE_MIB...]   (default 1024 4096; needs age, GNU time)
# Builds the release binary, then for each size makes that many MiB of random
# bytes and times `age -e`, `age -d`, `diary attach` and `diary extract` file
# to file, each right after the other with the disk synced before each, and
# prints wall time, ratio to age and peak RSS. It also times OpenSSL's
# SHA-256 alone on the same file: the diary must hash every exhibit and age
# does not, so that hash bounds the best ratio any import or extraction can
# reach (the ceiling printed last). The diary fsyncs what it writes; age
# does not. Each command's input is read once beforehand (untimed), so every
# one starts from the page cache: this VM's host reclaims cold pages, and a
# cold read of a 4 GiB file measured the disk, not the programs.
# Needs three times the largest size free in $TMPDIR.
# DIARY_BIN=path times another build of the CLI (an older commit) instead.
# ROUNDS=n (default 3) repeats the four commands n times per size, the age
# pair and the diary pair taking turns to go first, and compares the best
# time of each. On a VM the first touch of memory the host has taken back
# can cost seconds of system time in whichever program meets it (`dd` of
# 1 GiB between two files in the page cache took 0.45 s to 7.7 s here within
# minutes); that cost only ever adds, so the best of a few interleaved rounds
# is the figure of the program, and the rounds are printed so the spread is
# seen.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
rounds=${ROUNDS:-3}
[ ${#sizes[@]} -gt 0 ] || sizes=(1024 4096)
if [ -n "${DIARY_BIN:-}" ]; then
  bin=$DIARY_BIN
else
  cargo build --release --quiet
  bin=${CARGO_TARGET_DIR:-target}/release/diary
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sha_ni=no
grep -qw sha_ni /proc/cpuinfo && sha_ni=yes
printf '%s, %s CPUs, SHA instructions: %s\n' \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')" "$(nproc)" "$sha_ni"
age-keygen -o "$work/key.txt" 2>/dev/null
recipient=$(grep -o 'age1[0-9a-z]*' "$work/key.txt" | head -1)
printf 'benchmark passphrase\n' > "$work/pass"
warm() { cat "$@" > /dev/null; }
measure() { # label command...
  sync
  /usr/bin/time -f "%e %S %M" -o "$work/t" "${@:2}" > /dev/null 2> "$work/err" || { cat "$work/err"; exit 1; }
  read -r secs sys kib < "$work/t"
  printf '%-16s %8.2f s %8.0f MB/s %6.2f s sys %7d KiB peak\n' "$1" "$secs" "$(echo "$size_mib*1.048576/$secs" | bc -l)" "$sys" "$kib"
  best[$1]=$(echo "$secs" | awk -v b="${best[$1]:-}" '{ print (b == "" || $1 < b) ? $1 : b }')
}
age_pair() {
  warm "$work/in.bin"; measure "age -e" age -r "$recipient" -o "$work/in.age" "$work/in.bin"
  warm "$work/in.age"; measure "age -d" age -d -i "$work/key.txt" -o "$work/out.age" "$work/in.age"
  rm -f "$work/out.age" "$work/in.age"
}
diary_pair() {
  rm -rf "$work/vault"
  "$bin" --vault "$work/vault" --passphrase-file "$work/pass" init --kdf-memory 19 --kdf-time 2 > /dev/null 2>&1
  "$bin" --vault "$work/vault" --passphrase-file "$work/pass" add --narrative "benchmark" > /dev/null 2>&1
  warm "$work/in.bin"; measure "diary attach" "$bin" --vault "$work/vault" --passphrase-file "$work/pass" attach 1 "$work/in.bin"
  warm "$work"/vault/att/*.ida; measure "diary extract" "$bin" --vault "$work/vault" --passphrase-file "$work/pass" extract 1 --out "$work/out.diary"
  if ! cmp -s "$work/in.bin" "$work/out.diary"; then echo "EXTRACTED BYTES DIFFER"; exit 1; fi
  rm -rf "$work/out.diary" "$work/vault"
}
for size_mib in "${sizes[@]}"; do
  echo "--- $size_mib MiB"
  declare -A best=()
  head -c "${size_mib}M" /dev/urandom > "$work/in.bin"
  for ((round = 1; round <= rounds; round++)); do
    echo "round $round"
    if ((round % 2)); then age_pair; diary_pair; else diary_pair; age_pair; fi
  done
  warm "$work/in.bin"; measure "sha256 alone" openssl dgst -sha256 "$work/in.bin"
  rm -f "$work/in.bin"
  echo "extracted bytes identical in every round; best of $rounds:"
  for label in "age -e" "age -d" "diary attach" "diary extract" "sha256 alone"; do
    printf '  %-16s %8.2f s\n' "$label" "${best[$label]}"
  done
  ratio() { echo "${best[$1]}/${best[$2]}" | bc -l; }
  printf 'import: %.2fx age   extract: %.2fx age\n' "$(ratio "age -e" "diary attach")" "$(ratio "age -d" "diary extract")"
  printf 'ceiling set by SHA-256 alone: import %.2fx age   extract %.2fx age\n' "$(ratio "age -e" "sha256 alone")" "$(ratio "age -d" "sha256 alone")"
  unset best
done

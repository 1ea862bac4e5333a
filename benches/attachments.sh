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
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
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
  /usr/bin/time -f "%e %M" -o "$work/t" "${@:2}" > /dev/null 2> "$work/err" || { cat "$work/err"; exit 1; }
  read -r secs kib < "$work/t"
  printf '%-16s %8.2f s %8.0f MB/s %7d KiB peak\n' "$1" "$secs" "$(echo "$size_mib*1.048576/$secs" | bc -l)" "$kib"
  echo "$secs" > "$work/last"
}
for size_mib in "${sizes[@]}"; do
  echo "--- $size_mib MiB"
  rm -rf "$work/vault"
  "$bin" --vault "$work/vault" --passphrase-file "$work/pass" init --kdf-memory 19 --kdf-time 2 > /dev/null
  "$bin" --vault "$work/vault" --passphrase-file "$work/pass" add --narrative "benchmark" > /dev/null
  head -c "${size_mib}M" /dev/urandom > "$work/in.bin"
  warm "$work/in.bin"; measure "age -e" age -r "$recipient" -o "$work/in.age" "$work/in.bin"; age_e=$(cat "$work/last")
  warm "$work/in.age"; measure "age -d" age -d -i "$work/key.txt" -o "$work/out.age" "$work/in.age"; age_d=$(cat "$work/last")
  rm -f "$work/out.age" "$work/in.age"
  warm "$work/in.bin"; measure "diary attach" "$bin" --vault "$work/vault" --passphrase-file "$work/pass" attach 1 "$work/in.bin"; d_a=$(cat "$work/last")
  warm "$work"/vault/att/*.ida; measure "diary extract" "$bin" --vault "$work/vault" --passphrase-file "$work/pass" extract 1 --out "$work/out.diary"; d_x=$(cat "$work/last")
  warm "$work/in.bin"; measure "sha256 alone" openssl dgst -sha256 "$work/in.bin"; sha=$(cat "$work/last")
  if cmp -s "$work/in.bin" "$work/out.diary"; then echo "extracted bytes identical"; else echo "EXTRACTED BYTES DIFFER"; exit 1; fi
  rm -f "$work/out.diary" "$work/in.bin"
  printf 'import: %.2fx age   extract: %.2fx age\n' "$(echo "$age_e/$d_a" | bc -l)" "$(echo "$age_d/$d_x" | bc -l)"
  printf 'ceiling set by SHA-256 alone: import %.2fx age   extract %.2fx age\n' "$(echo "$age_e/$sha" | bc -l)" "$(echo "$age_d/$sha" | bc -l)"
done

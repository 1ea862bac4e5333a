#!/usr/bin/env bash
# Attachment throughput beside age, and peak memory (issue 3; BENCHMARKS.md).
#   bash benches/attachments.sh [SIZE_MIB]      (default 1024; needs age, GNU time)
# Builds the release binary, makes SIZE_MIB of random bytes, then times
# `age -e`, `diary attach`, `age -d` and `diary extract` file to file, each
# right after the other, and prints wall time, ratio to age and peak RSS.
# It also times OpenSSL's SHA-256 alone on the same file: the diary must hash
# every exhibit and age does not, so on a CPU without SHA instructions that
# hash sets the best ratio any import or extraction can reach.
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib=${1:-1024}
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/diary
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
head -c "${size_mib}M" /dev/urandom > "$work/in.bin"
age-keygen -o "$work/key.txt" 2>/dev/null
recipient=$(grep -o 'age1[0-9a-z]*' "$work/key.txt" | head -1)
printf 'benchmark passphrase\n' > "$work/pass"
diary() { "$bin" --vault "$work/vault" --passphrase-file "$work/pass" "$@"; }
diary init --kdf-memory 19 --kdf-time 2 > /dev/null
diary add --narrative "benchmark" > /dev/null
measure() { # label command...
  /usr/bin/time -f "%e %M" -o "$work/t" "${@:2}" > /dev/null
  read -r secs kib < "$work/t"
  printf '%-16s %8.2f s %8.0f MB/s %7d KiB peak\n' "$1" "$secs" "$(echo "$size_mib*1.048576/$secs" | bc -l)" "$kib"
  echo "$secs" > "$work/last"
}
sync
measure "age -e" age -r "$recipient" -o "$work/in.age" "$work/in.bin"; age_e=$(cat "$work/last")
measure "diary attach" "$bin" --vault "$work/vault" --passphrase-file "$work/pass" attach 1 "$work/in.bin"; d_a=$(cat "$work/last")
measure "age -d" age -d -i "$work/key.txt" -o "$work/out.age" "$work/in.age"; age_d=$(cat "$work/last")
measure "diary extract" "$bin" --vault "$work/vault" --passphrase-file "$work/pass" extract 1 --out "$work/out.diary"; d_x=$(cat "$work/last")
measure "sha256 alone" openssl dgst -sha256 "$work/in.bin"; sha=$(cat "$work/last")
cmp -s "$work/in.bin" "$work/out.diary" && echo "extracted bytes identical"
printf 'import: %.2fx age   extract: %.2fx age\n' "$(echo "$age_e/$d_a" | bc -l)" "$(echo "$age_d/$d_x" | bc -l)"
printf 'ceiling set by SHA-256 alone: import %.2fx age   extract %.2fx age\n' "$(echo "$age_e/$sha" | bc -l)" "$(echo "$age_d/$sha" | bc -l)"

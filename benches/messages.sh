#!/usr/bin/env bash
# Message import at the size WhatsApp exports at most (issue: evidence from
# messages; BENCHMARKS.md).
#   bash benches/messages.sh [MESSAGES]     (default 40000; needs GNU time)
# Builds the release binary, writes a WhatsApp (Android, en-GB) export of
# MESSAGES messages (a tenth over several lines, some deleted or with media
# left out), then times `diary import` end to end (process start, unlock
# with the cheapest key derivation, read, seal, commit) with its peak RSS,
# then `diary messages --search` and `--conversation` end to end. The
# in-process figures for listing and searching after unlock come from
# `cargo bench --bench diary -- messages`.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-40000}
cargo build --release --quiet --bin diary
bin=${CARGO_TARGET_DIR:-target}/release/diary
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$n" "$work/chat.txt" <<'PY'
import sys, datetime
n, path = int(sys.argv[1]), sys.argv[2]
words = "I know where you are tonight why won't you answer me I saw your car outside the school again".split()
t = datetime.datetime(2023, 1, 1, 8, 0)
with open(path, "w", encoding="utf-8") as f:
    f.write("01/01/2023, 08:00 - Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them. Tap to learn more.\n")
    for i in range(n - 1):
        t += datetime.timedelta(minutes=37)
        who = "Jo" if i % 9 == 4 else "Mark Example"
        text = " ".join(words[(i * 7 + k) % len(words)] for k in range(4 + i % 12))
        if i % 97 == 3: text = "This message was deleted"
        elif i % 89 == 5: text = "<Media omitted>"
        f.write(f"{t:%d/%m/%Y, %H:%M} - {who}: {text} {i}\n")
        if i % 10 == 7:
            f.write("and another line of the same message\n")
PY
printf 'benchmark passphrase\n' > "$work/pass"
diary() { "$bin" --vault "$work/vault" --passphrase-file "$work/pass" "$@"; }
diary init --kdf-memory 19 --kdf-time 2 > /dev/null
measure() { # label command...
  /usr/bin/time -f "%e %M" -o "$work/t" "${@:2}" > /dev/null 2>&1
  read -r secs kib < "$work/t"
  printf '%-34s %6.2f s %8d KiB peak\n' "$1" "$secs" "$kib"
}
echo "== $n messages, $(du -h "$work/chat.txt" | cut -f1) of text, $(nproc) cores"
run=("$bin" --vault "$work/vault" --passphrase-file "$work/pass")
measure "import (end to end)" "${run[@]}" import "$work/chat.txt" --timezone Europe/London
measure "messages --search (end to end)" "${run[@]}" messages --search "school again"
measure "messages --conversation 1 --json" "${run[@]}" messages --conversation 1 --json
measure "list (unlock alone, for scale)" "${run[@]}" list

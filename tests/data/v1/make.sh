#!/usr/bin/env bash
# Makes the frozen v1 fixtures: a vault, an evidence bundle (folder and zip),
# a backup, and one damaged copy per way of damaging them (bad/<case>/).
#
# Run ONCE, with the binary of the last version that writes format v1:
#
#     bash tests/data/v1/make.sh target/release/diary
#
# then commit the result. Never run it again to "refresh" v1: the point of
# these files is that they were written by v1 and must keep opening, checking,
# verifying and restoring in every later version (tests/fixtures.rs). A new
# format gets a new folder (tests/data/v2/) made by its own script.
#
# Needs python3 (stdlib only: PNG pictures, SQLite edits) and exiftool.
set -euo pipefail
diary=$(realpath "${1:?usage: make.sh PATH/TO/diary}")
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
rm -rf vault bundle bundle.zip backup.age bad
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

printf 'v1 fixture passphrase\n' >"$work/pass"
printf 'v1 backup passphrase\n' >"$work/backup-pass"
d() { "$diary" --vault "$here/vault" --passphrase-file "$work/pass" "$@"; }

# Exhibits: a JPEG with EXIF claims, two PNGs (thumbnails), a text note, and
# one file attached by mistake and then deleted.
echo "FFD8FFE000104A46494600010100000100010000FFDB004300080606070605080707070909080A0C140D0C0B0B0C1912130F141D1A1F1E1D1A1C1C20242E2720222C231C1C2837292C30313434341F27393D38323C2E333432FFC0000B080001000101011100FFC4001F0000010501010101010100000000000000000102030405060708090A0BFFC400B5100002010303020403050504040000017D01020300041105122131410613516107227114328191A1082342B1C11552D1F02433627282090A161718191A25262728292A3435363738393A434445464748494A535455565758595A636465666768696A737475767778797A838485868788898A92939495969798999AA2A3A4A5A6A7A8A9AAB2B3B4B5B6B7B8B9BAC2C3C4C5C6C7C8C9CAD2D3D4D5D6D7D8D9DAE1E2E3E4E5E6E7E8E9EAF1F2F3F4F5F6F7F8F9FAFFDA0008010100003F00D2CF20FFD9" \
  | xxd -r -p >"$work/IMG_0412.jpg"
exiftool -q -overwrite_original -Make=Phone -Model=Camera \
  '-DateTimeOriginal=2026:03:14 18:31:07' '-OffsetTimeOriginal=+00:00' "$work/IMG_0412.jpg"
python3 - "$work" <<'PY'
import struct, sys, zlib
def png(path, w, h, rgb):
    raw = b"".join(b"\x00" + b"".join(bytes(rgb(x, y)) for x in range(w)) for y in range(h))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 9)))
        f.write(chunk(b"IEND", b""))
png(sys.argv[1] + "/car.png", 64, 48, lambda x, y: (x * 4, y * 5, 90))
png(sys.argv[1] + "/Screenshot 2026-03-15.png", 40, 80, lambda x, y: (200, (x * 6) % 256, y * 3))
PY
printf 'Voicemail transcript: "I know where you are."\n' >"$work/voicemail-notes.txt"
printf 'a shopping list\n' >"$work/shopping.txt"

d init --kdf-memory 19 --kdf-time 2 >"$work/init.txt"
grep -E '^ +[A-Z2-7]{4}(-[A-Z2-7]{4}){13}$' "$work/init.txt" | tr -d ' ' >"$work/recovery-key"
d case set --victim-name "Jane Sample" --exhibit-prefix JS --police-force "Example Police" \
  --officer "PC 1234 Smith" --crime-reference CR/0001/26 >/dev/null
him=$(d person add --role perpetrator --name "John Doe" --alias JD --relationship "former partner" \
  --identifier "AB12 CDE" | awk '{print $3}')
witness=$(d person add --role witness --name "Sam Neighbour" | awk '{print $3}')
order=$(d order add --type non_molestation_order --reference NMO-7 --court "Family Court" \
  --made-on 2026-01-10 --expires 2027-01-10 --condition "No contact" \
  --condition "Not to come within 100 m of the home" | awk '{print $3}')
d add --occurred "2026-03-14T18:30:00+00:00" --title "Outside the office" \
  --narrative 'He stood by the office gate for an hour. He said "see you later".' \
  --location "Mill Lane" --behaviour loitering,watching --channel in_person \
  --perpetrator "$him" --witness "$witness" --severity 2 >/dev/null
cat >"$work/two.json" <<JSON
{"occurred_at": "2026-03-15T21:05:00+00:00", "title": "Threat by text",
 "narrative": "Text from an unknown number: \"You'll regret it.\"",
 "behaviours": ["threats", "contact_unwanted", "order_breach"], "channels": ["text_message"],
 "perpetrators": ["$him"], "identifiers_seen": ["07700 900123"], "fear_of_violence": true,
 "breach": {"order": "$order", "condition": "No contact"},
 "police": {"reported": true, "force": "Example Police", "reference": "CR/0001/26"}}
JSON
d add --json "$work/two.json" >/dev/null
d add --occurred 2026-03-20 --precision date_only --title "Entered twice" \
  --narrative "Duplicate of the text message" --behaviour contact_unwanted >/dev/null
d add --occurred "2026-03-22T08:00:00+00:00" --precision approximate \
  --title "Private note" --narrative "Kept back from the officer pack" \
  --behaviour other --exclude-from-officer-pack >/dev/null
printf '{"location": "Mill Lane, by the bus stop"}\n' >"$work/amend.json"
d amend 1 --json "$work/amend.json" --reason "forgot to say where exactly" >/dev/null
d withdraw 3 --reason "entered twice" >/dev/null
d attach 1 "$work/IMG_0412.jpg" "$work/car.png" --description "His car at the gate" >/dev/null
d attach 2 "$work/Screenshot 2026-03-15.png" --description "The text message" >/dev/null
d attach 2 "$work/voicemail-notes.txt" --description "Notes of the voicemail" >/dev/null
d attach 2 "$work/shopping.txt" --description "attached by mistake" >/dev/null
d exhibits delete JS/5 --reason "attached by mistake" >/dev/null
d risk add --date 2026-03-16 --answer very_frightened=yes --answer threats_of_violence=yes \
  --note "threats_of_violence=Said I would regret it" --completed-with "ISAC" >/dev/null
d export --out "$here/bundle" >/dev/null
d export --out "$work/bundle.zip" --pack full >/dev/null
cp "$work/bundle.zip" "$here/bundle.zip"
d backup --out "$here/backup.age" --backup-passphrase-file "$work/backup-pass" >/dev/null
d check >/dev/null
rm -f vault/unlock-attempts
cp "$work/recovery-key" "$here/recovery-key.txt"

# ---- damaged copies, one case per folder -----------------------------------
# Each bad/<case>/case.txt says which good fixture it damages, the command to
# run, the exit code and a phrase the output must hold. The other files of
# the folder replace the good fixture's files of the same name (a vault case
# holds only what it changes; `delete:` lines name files to remove).
case_dir() { mkdir -p "bad/$1"; printf '%s\n' "${@:2}" >"bad/$1/case.txt"; }
db_edit() { # case says python (with `conn` and `flip(table, column, where)`)
  case_dir "$1" "fixture: vault" "run: check" "exit: 4" "says: $2"
  cp vault/vault.db "bad/$1/vault.db"
  python3 - "bad/$1/vault.db" "$3" <<'PY'
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
def flip(table, column, where):
    """Flips one bit in the middle of a BLOB, keeping its type and size."""
    (blob,) = conn.execute(f"SELECT {column} FROM {table} WHERE {where}").fetchone()
    data = bytearray(blob)
    data[len(data) // 2] ^= 0x01
    conn.execute(f"UPDATE {table} SET {column} = ? WHERE {where}", (bytes(data),))
code = sys.argv[2]
if code.lstrip().startswith("flip("):
    exec(code)
else:
    conn.executescript(code)
conn.commit()
conn.execute("PRAGMA journal_mode=DELETE")
conn.close()
PY
}
db_edit log_row_altered "log entry 3" 'flip("log", "ct", "seq = 3")'
db_edit log_row_deleted "log entry 5" "DELETE FROM log WHERE seq = 5;"
db_edit log_rows_swapped "log entry 6" \
  "UPDATE log SET seq = -1 WHERE seq = 6; UPDATE log SET seq = 6 WHERE seq = 7; UPDATE log SET seq = 7 WHERE seq = -1;"
db_edit log_end_cut "log entry" "DELETE FROM log WHERE seq = (SELECT MAX(seq) FROM log);"
db_edit log_row_leaf_altered "log entry 4" \
  "UPDATE log SET leaf = zeroblob(32) WHERE seq = 4;"
db_edit header_kdf_altered "integrity failure" 'flip("vault", "kdf", "id = 0")'
db_edit key_slot_altered "integrity failure" 'flip("keyslot", "data", "slot = 0")'
db_edit log_value_wrong_type "wrong type" "UPDATE log SET nonce = hex(nonce) WHERE seq = 2;"
db_edit newer_format "newer version" "PRAGMA user_version = 99;"
sed -i 's/^exit: 4$/exit: 1/' bad/newer_format/case.txt
case_dir database_truncated "fixture: vault" "run: check" "exit: 4" "says: integrity failure"
head -c $(( $(stat -c %s vault/vault.db) / 2 )) vault/vault.db >bad/database_truncated/vault.db
first_ida=$(ls vault/att/*.ida | head -n 1)
second_ida=$(ls vault/att/*.ida | sed -n 2p)
case_dir exhibit_file_altered "fixture: vault" "run: check" "exit: 4" "says: exhibit JS/"
mkdir -p bad/exhibit_file_altered/att
python3 - "$first_ida" bad/exhibit_file_altered/att/"$(basename "$first_ida")" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
data[-5] ^= 0x01
open(sys.argv[2], "wb").write(data)
PY
case_dir exhibit_file_missing "fixture: vault" "run: check" "exit: 4" "says: its file is missing" \
  "delete: att/$(basename "$first_ida")"
case_dir exhibit_files_swapped "fixture: vault" "run: check" "exit: 4" "says: swapped"
mkdir -p bad/exhibit_files_swapped/att
cp "$first_ida" "bad/exhibit_files_swapped/att/$(basename "$second_ida")"
cp "$second_ida" "bad/exhibit_files_swapped/att/$(basename "$first_ida")"
case_dir wrong_passphrase "fixture: vault" "run: list" "exit: 3" "says: wrong passphrase" \
  "passphrase: not the v1 passphrase"

bundle_case() { # case says change...
  case_dir "$1" "fixture: bundle" "run: verify" "exit: 4" "says: $2"
}
bundle_case bundle_exhibit_altered "FAIL"
mkdir -p bad/bundle_exhibit_altered/exhibits
cp bundle/exhibits/JS_1.jpg bad/bundle_exhibit_altered/exhibits/JS_1.jpg
printf 'x' >>bad/bundle_exhibit_altered/exhibits/JS_1.jpg
bundle_case bundle_incidents_altered "data/incidents.json has been altered"
mkdir -p bad/bundle_incidents_altered/data
sed 's/office gate/garden gate/' bundle/data/incidents.json >bad/bundle_incidents_altered/data/incidents.json
bundle_case bundle_sums_rewritten "signature"
sed 's/office gate/garden gate/' bundle/data/incidents.json >"$work/incidents.json"
sum=$(sha256sum "$work/incidents.json" | cut -d' ' -f1)
mkdir -p bad/bundle_sums_rewritten/data
cp "$work/incidents.json" bad/bundle_sums_rewritten/data/incidents.json
sed "s#^[0-9a-f]*  data/incidents.json\$#$sum  data/incidents.json#" bundle/SHA256SUMS \
  >bad/bundle_sums_rewritten/SHA256SUMS
bundle_case bundle_signature_altered "signature"
sed 's/^\(.\{40\}\)./\1A/' bundle/SHA256SUMS.sig >bad/bundle_signature_altered/SHA256SUMS.sig
cmp -s bundle/SHA256SUMS.sig bad/bundle_signature_altered/SHA256SUMS.sig \
  && sed -i 's/^\(.\{40\}\)./\1B/' bad/bundle_signature_altered/SHA256SUMS.sig
bundle_case bundle_file_added "not listed in SHA256SUMS"
printf 'planted\n' >bad/bundle_file_added/planted.txt
bundle_case bundle_exhibit_missing "exhibits/JS_2.png"
printf 'delete: exhibits/JS_2.png\n' >>bad/bundle_exhibit_missing/case.txt
bundle_case bundle_chain_altered "chain"
mkdir -p bad/bundle_chain_altered/data
python3 - bundle/data/chain.json bad/bundle_chain_altered/data/chain.json <<'PY'
import json, sys
chain = json.load(open(sys.argv[1]))
del chain["rows"][2]
open(sys.argv[2], "w").write(json.dumps(chain, indent=2) + "\n")
PY
case_dir bundle_zip_truncated "fixture: bundle.zip" "run: verify" "exit: 4" "says: zip"
head -c 20000 bundle.zip >bad/bundle_zip_truncated/bundle.zip

case_dir backup_truncated "fixture: backup.age" "run: restore" "exit: 4" "says: damaged"
head -c $(( $(stat -c %s backup.age) - 100 )) backup.age >bad/backup_truncated/backup.age
case_dir backup_byte_flipped "fixture: backup.age" "run: restore" "exit: 4" "says: damaged"
python3 - backup.age bad/backup_byte_flipped/backup.age <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
data[len(data) // 2] ^= 0x40
open(sys.argv[2], "wb").write(data)
PY
case_dir backup_wrong_passphrase "fixture: backup.age" "run: restore" "exit: 3" \
  "says: wrong passphrase" "passphrase: not the backup passphrase"
case_dir backup_not_age "fixture: backup.age" "run: restore" "exit: 2" "says: not a diary backup"
printf 'this is not a backup\n' >bad/backup_not_age/backup.age
# ---- self-check: every case behaves as its case.txt says, with this binary --
failed=0
for dir in bad/*/; do
  name=$(basename "$dir")
  field() { sed -n "s/^$1: //p" "$dir/case.txt"; }
  fixture=$(field fixture); run=$(field run); want=$(field exit); says=$(field says)
  pass="$work/pass"; bpass="$work/backup-pass"
  if [ -n "$(field passphrase)" ]; then
    field passphrase >"$work/case-pass"; pass="$work/case-pass"; bpass="$work/case-pass"
  fi
  copy="$work/case-$name"; rm -rf "$copy" "$work/restored-$name"
  if [ -d "$fixture" ]; then
    cp -r "$fixture" "$copy"
    (cd "$dir" && find . -type f ! -name case.txt -exec cp --parents {} "$copy/" \;)
    field delete | while read -r rel; do rm -f "$copy/$rel"; done
  elif [ -f "$dir/$fixture" ]; then cp "$dir/$fixture" "$copy"; else cp "$fixture" "$copy"; fi
  set +e
  case "$run" in
    check|list) out=$("$diary" --vault "$copy" --passphrase-file "$pass" "$run" 2>&1) ;;
    verify) out=$("$diary" verify "$copy" 2>&1) ;;
    restore) out=$("$diary" --vault "$work/restored-$name" --passphrase-file "$pass" \
               restore "$copy" --backup-passphrase-file "$bpass" 2>&1) ;;
  esac
  got=$?
  set -e
  if [ "$got" != "$want" ] || ! grep -qF -- "$says" <<<"$out"; then
    echo "case $name: expected exit $want saying '$says', got $got:"; echo "$out" | tail -n 5
    failed=1
  fi
done
[ "$failed" = 0 ] || { echo "some cases do not behave as they say"; exit 1; }
echo "made the v1 fixtures in $here"

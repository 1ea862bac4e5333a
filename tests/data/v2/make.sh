#!/usr/bin/env bash
# Makes the frozen v2 fixtures (vault format 2, bundle format 2): a vault
# whose key was replaced once (`passwd --rotate`), a copy of its database
# from before the rotation (what an abuser who knew the old passphrase may
# keep), an evidence bundle (folder and zip) with its key-transition
# statement, and a backup.
#
# Run ONCE, with the binary of the last version that writes format 2:
#
#     bash tests/data/v2/make.sh PATH/TO/diary
#
# then commit the result, and run attacked/make.sh. Never run it again to
# "refresh" v2: later versions must keep opening, checking, verifying and
# restoring these files (tests/fixtures_v2.rs). A new format gets v3/.
#
# Needs python3 (stdlib only) and exiftool.
set -euo pipefail
diary=$(realpath "${1:?usage: make.sh PATH/TO/diary}")
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
rm -rf vault bundle bundle.zip backup.age old-vault.db recovery-key.txt
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The device's own records (rollback anchors) stay in the work folder.
export HOME="$work/home"
unset DIARY_ANCHOR_DIR XDG_CONFIG_HOME DIARY_VAULT

printf 'v2 old passphrase\n' >"$work/old-pass"
printf 'v2 fixture passphrase\n' >"$work/pass"
printf 'v2 backup passphrase\n' >"$work/backup-pass"
old() { "$diary" --vault "$here/vault" --passphrase-file "$work/old-pass" "$@"; }
d() { "$diary" --vault "$here/vault" --passphrase-file "$work/pass" "$@"; }

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
png(sys.argv[1] + "/Screenshot 2026-04-02.png", 40, 80, lambda x, y: (200, (x * 6) % 256, y * 3))
PY
printf 'Voicemail transcript: "I know where you are."\n' >"$work/voicemail-notes.txt"
printf 'a shopping list\n' >"$work/shopping.txt"

# Before the rotation, under the old passphrase: entries, people, an order,
# and two photos attached as format 2 does (record, then key).
old init --kdf-memory 19 --kdf-time 2 >/dev/null
old case set --victim-name "Jane Sample" --exhibit-prefix JS --police-force "Example Police" \
  --officer "PC 1234 Smith" --crime-reference CR/0002/26 >/dev/null
him=$(old person add --role perpetrator --name "John Doe" --relationship "former partner" \
  --identifier "AB12 CDE" | awk '{print $3}')
order=$(old order add --type non_molestation_order --reference NMO-8 --court "Family Court" \
  --made-on 2026-01-10 --expires 2027-01-10 --condition "No contact" | awk '{print $3}')
old add --occurred "2026-03-14T18:30:00+00:00" --title "Outside the office" \
  --narrative 'He stood by the office gate for an hour. He said "see you later".' \
  --location "Mill Lane" --behaviour loitering,watching --channel in_person \
  --perpetrator "$him" --severity 2 >/dev/null
old attach 1 "$work/IMG_0412.jpg" "$work/car.png" --description "His car at the gate" >/dev/null
printf '{"location": "Mill Lane, by the bus stop"}\n' >"$work/amend.json"
old amend 1 --json "$work/amend.json" --reason "forgot to say where exactly" >/dev/null
# What someone who knew the old passphrase could have copied.
python3 - vault/vault.db old-vault.db <<'PY'
import sqlite3, sys
src, dst = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
src.backup(dst)
dst.execute("PRAGMA journal_mode=DELETE")
dst.close()
PY

# The owner learns the old passphrase is known: a new key, passphrase and
# recovery key.
old passwd --rotate --new-passphrase-file "$work/pass" >"$work/rotate.txt"
grep -E '^ +[A-Z2-7]{4}(-[A-Z2-7]{4}){13}$' "$work/rotate.txt" | tr -d ' ' >recovery-key.txt

# After the rotation: entries and exhibits under the new key only.
cat >"$work/two.json" <<JSON
{"occurred_at": "2026-04-02T21:05:00+00:00", "title": "Threat by text",
 "narrative": "Text from an unknown number: \"You'll regret it.\"",
 "behaviours": ["threats", "contact_unwanted", "order_breach"], "channels": ["text_message"],
 "perpetrators": ["$him"], "identifiers_seen": ["07700 900123"], "fear_of_violence": true,
 "breach": {"order": "$order", "condition": "No contact"},
 "police": {"reported": true, "force": "Example Police", "reference": "CR/0002/26"}}
JSON
d add --json "$work/two.json" >/dev/null
d attach 2 "$work/Screenshot 2026-04-02.png" --description "The text message" >/dev/null
d attach 2 "$work/voicemail-notes.txt" --description "Notes of the voicemail" >/dev/null
d attach 2 "$work/shopping.txt" --description "attached by mistake" >/dev/null
d exhibits delete JS/5 --reason "attached by mistake" >/dev/null
d add --occurred 2026-04-03 --precision date_only --title "Entered twice" \
  --narrative "Duplicate of the text message" --behaviour contact_unwanted >/dev/null
d withdraw 3 --reason "entered twice" >/dev/null
d add --occurred "2026-04-04T08:00:00+00:00" --precision approximate \
  --title "Private note" --narrative "Kept back from the officer pack" \
  --behaviour other --exclude-from-officer-pack >/dev/null
d risk add --date 2026-04-03 --answer very_frightened=yes --answer threats_of_violence=yes \
  --note "threats_of_violence=Said I would regret it" --completed-with "ISAC" >/dev/null
d export --out "$here/bundle" >/dev/null
d export --out "$work/bundle.zip" --pack full >/dev/null
cp "$work/bundle.zip" "$here/bundle.zip"
d backup --out "$here/backup.age" --backup-passphrase-file "$work/backup-pass" >/dev/null
d check >/dev/null
rm -f vault/unlock-attempts vault/unlock-attempts.lock

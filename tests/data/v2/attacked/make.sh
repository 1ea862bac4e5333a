#!/usr/bin/env bash
# Makes the attacked copies of the frozen v2 fixtures: what an abuser who
# knew the OLD passphrase (and kept ../old-vault.db, the database from
# before the owner replaced the key) would try against the rotated vault,
# and what a crafted bundle would try against `diary verify`; one case per
# folder, in the style of ../../v1/attacked/ (case.txt says which fixture,
# which command, and the exit code and words expected; the other files are
# laid over a copy of the fixture).
#
# Made with the attacker's tools (python3's sqlite3, hashlib and json,
# stdlib only), never with the diary; running it again gives the same cases.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
find . -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} +
python3 - <<'PY'
import hashlib, json, os, shutil, sqlite3, struct, tempfile

V2 = os.path.abspath("..")
OLD_PASS = "v2 old passphrase"

def case(name, fixture, run, code, says, passphrase=None):
    os.makedirs(name, exist_ok=True)
    with open(os.path.join(name, "case.txt"), "w") as f:
        f.write(f"fixture: {fixture}\nrun: {run}\nexit: {code}\nsays: {says}\n")
        if passphrase:
            f.write(f"passphrase: {passphrase}\n")
    return name

def checksum(con):
    """The unkeyed header checksum, forged as anyone can."""
    fmt, vid, kdf, epoch = con.execute("SELECT format, vault_id, kdf, epoch FROM vault").fetchone()
    if fmt == 1:
        h = hashlib.sha256(b"idv1/header" + struct.pack(">I", 1))
    else:
        h = hashlib.sha256(b"idv2/header" + struct.pack(">II", fmt, epoch))
    h.update(vid + struct.pack(">I", len(kdf)) + kdf)
    for (slot,) in con.execute("SELECT data FROM keyslot ORDER BY slot"):
        h.update(slot)
    return h.digest()

def vault_edit(name, run, says, edit, passphrase=None):
    """A copy of the v2 vault.db changed by `edit(con, old)` (old: the
    database from before the rotation), the checksum forged after."""
    d = case(name, "vault", run, 4, says, passphrase)
    tmp = tempfile.mkdtemp()
    db = os.path.join(tmp, "vault.db")
    shutil.copy(os.path.join(V2, "vault", "vault.db"), db)
    con = sqlite3.connect(db)
    old = sqlite3.connect(os.path.join(V2, "old-vault.db"))
    edit(con, old)
    con.execute("UPDATE vault SET checksum = ?", (checksum(con),))
    con.commit()
    con.execute("PRAGMA journal_mode=DELETE")
    con.close()
    shutil.copy(db, os.path.join(d, "vault.db"))
    shutil.rmtree(tmp)

def old_slots(con, old):
    """The key header of the copy from before the rotation, put back."""
    fmt, kdf = old.execute("SELECT format, kdf FROM vault").fetchone()
    con.execute("UPDATE vault SET format = ?, kdf = ?, epoch = 0", (fmt, kdf))
    for slot, data in old.execute("SELECT slot, data FROM keyslot"):
        con.execute("UPDATE keyslot SET data = ? WHERE slot = ?", (data, slot))

# With the old passphrase: the old key slots put into the rotated vault,
# then also the wrapped old key removed, and the rows marked as of the old
# key. None opens: what was written after the rotation stays unreadable.
# (Cutting those rows and putting the old sealed end back gives the old
# copy itself, which the old passphrase opens with what it always held:
# tests/fixtures_v2.rs shows that, not here.)
vault_edit("old_slots_transplanted", "list", "keys of earlier epochs", old_slots, OLD_PASS)
def and_no_epoch_keys(con, old):
    old_slots(con, old)
    con.execute("DELETE FROM epoch_key")
vault_edit("old_slots_and_epoch_keys_removed", "list", "does not have", and_no_epoch_keys, OLD_PASS)
def and_rows_as_epoch_0(con, old):
    and_no_epoch_keys(con, old)
    con.execute("UPDATE log SET epoch = 0")
vault_edit("old_slots_and_rows_relabelled", "list", "does not decrypt here", and_rows_as_epoch_0, OLD_PASS)

# With no key, against the owner's new passphrase.
vault_edit("epoch_key_removed", "check", "keys of earlier epochs",
           lambda con, old: con.execute("DELETE FROM epoch_key"))
def flip_epoch_key(con, old):
    (ct,) = con.execute("SELECT ct FROM epoch_key WHERE epoch = 0").fetchone()
    ct = bytearray(ct)
    ct[len(ct) // 2] ^= 1
    con.execute("UPDATE epoch_key SET ct = ? WHERE epoch = 0", (bytes(ct),))
vault_edit("epoch_key_altered", "check", "keys of earlier epochs", flip_epoch_key)
vault_edit("header_epoch_lowered", "check", "keys of earlier epochs",
           lambda con, old: con.execute("UPDATE vault SET epoch = 0"))
vault_edit("header_format_downgraded", "check", "integrity failure",
           lambda con, old: con.execute("UPDATE vault SET format = 1"))
vault_edit("last_row_relabelled_to_the_old_key", "check", "log entry",
           lambda con, old: con.execute("UPDATE log SET epoch = 0 WHERE seq = (SELECT MAX(seq) FROM log)"))
vault_edit("sealed_end_from_the_old_copy", "check", "sealed end of the log",
           lambda con, old: con.execute("UPDATE vault SET tip_nonce = ?, tip_ct = ?",
                                        old.execute("SELECT tip_nonce, tip_ct FROM vault").fetchone()))
def rotation_row_removed(con, old):
    (seq,) = con.execute("SELECT MIN(seq) FROM log WHERE epoch = 1").fetchone()
    con.execute("DELETE FROM log WHERE seq = ?", (seq,))
vault_edit("rotation_entry_removed", "check", "log entry", rotation_row_removed)

# Crafted bundles: a statement changed, a signature removed, an exhibit's
# register entry changed (with its sums re-made), the rotation withheld.
def bundle_case(name, says, change):
    d = case(name, "bundle", "verify", 4, says)
    tmp = tempfile.mkdtemp()
    b = os.path.join(tmp, "b")
    shutil.copytree(os.path.join(V2, "bundle"), b)
    changed = change(b)
    sums = []
    for line in open(os.path.join(b, "SHA256SUMS")):
        digest, path = line.rstrip("\n").split("  ", 1)
        if os.path.exists(os.path.join(b, path)):
            digest = hashlib.sha256(open(os.path.join(b, path), "rb").read()).hexdigest()
        sums.append(f"{digest}  {path}\n")
    open(os.path.join(b, "SHA256SUMS"), "w").write("".join(sums))
    for rel in changed + ["SHA256SUMS"]:
        os.makedirs(os.path.dirname(os.path.join(d, rel)) or d, exist_ok=True)
        if os.path.exists(os.path.join(b, rel)):
            shutil.copy(os.path.join(b, rel), os.path.join(d, rel))
        else:
            with open(os.path.join(d, "case.txt"), "a") as f:
                f.write(f"delete: {rel}\n")
    shutil.rmtree(tmp)

def statement_changed(b):
    p = os.path.join(b, "keys", "transition-1.txt")
    text = open(p).read().replace("reason: requested", "reason: recovery")
    open(p, "w").write(text)
    return ["keys/transition-1.txt"]
bundle_case("bundle_transition_statement_changed", "statement of key change 1", statement_changed)
def signature_removed(b):
    os.remove(os.path.join(b, "keys", "transition-1.txt.new.sig"))
    return ["keys/transition-1.txt.new.sig"]
bundle_case("bundle_transition_signature_removed", "new key's signature", signature_removed)
def register_changed(b):
    p = os.path.join(b, "manifest.json")
    m = json.load(open(p))
    m["exhibits"][-1]["description"] = "a different file"
    open(p, "w").write(json.dumps(m, indent=2) + "\n")
    return ["manifest.json"]
bundle_case("bundle_exhibit_register_changed", "does not match its record in the chain", register_changed)
def rotation_withheld(b):
    m = json.load(open(os.path.join(b, "manifest.json")))
    seq = m["key_transitions"][0]["seq"]
    p = os.path.join(b, "data", "incidents.json")
    inc = json.load(open(p))
    inc["records"] = [r for r in inc["records"] if r["seq"] != seq]
    open(p, "w").write(json.dumps(inc, indent=2) + "\n")
    p = os.path.join(b, "data", "chain.json")
    chain = json.load(open(p))
    for row in chain["rows"]:
        if row["seq"] == seq:
            row["disclosed"] = False
    open(p, "w").write(json.dumps(chain, indent=2) + "\n")
    return ["data/incidents.json", "data/chain.json"]
bundle_case("bundle_rotation_entry_withheld", "key change 1 does not match its entry", rotation_withheld)
PY

#!/usr/bin/env bash
# Makes the attacked copies of the frozen v1 fixtures: what someone who had
# the device (with no key) or who hands over a crafted bundle would do to
# them, one case per folder, in the style of ../bad/ (case.txt says which
# fixture, which command, and the exit code and words expected; the other
# files are laid over a copy of the fixture).
#
# The attacks are made with the attacker's tools (python3's sqlite3, hashlib
# and zipfile, stdlib only), never with the diary, from the frozen v1 files
# in ../; running it again gives the same cases. Made by issue 12.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
find . -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} +
python3 - <<'PY'
import hashlib, os, shutil, sqlite3, struct, tempfile, zipfile

V1 = os.path.abspath("..")

def case(name, fixture, run, code, says):
    os.makedirs(name, exist_ok=True)
    with open(os.path.join(name, "case.txt"), "w") as f:
        f.write(f"fixture: {fixture}\nrun: {run}\nexit: {code}\nsays: {says}\n")
    return name

def vault_sql(name, run, says, sql, header=None):
    """A copy of the v1 vault.db changed by `sql` (and `header`, which gets
    the KDF bytes and returns new ones, with the unkeyed checksum forged)."""
    d = case(name, "vault", run, 4, says)
    tmp = tempfile.mkdtemp()
    db = os.path.join(tmp, "vault.db")
    shutil.copy(os.path.join(V1, "vault", "vault.db"), db)
    con = sqlite3.connect(db)
    if sql:
        con.executescript(sql)
    if header:
        fmt, vid, kdf = con.execute("SELECT format, vault_id, kdf FROM vault").fetchone()
        kdf = header(bytearray(kdf))
        h = hashlib.sha256(b"idv1/header" + struct.pack(">I", fmt) + vid
                           + struct.pack(">I", len(kdf)) + bytes(kdf))
        for (slot,) in con.execute("SELECT data FROM keyslot ORDER BY slot"):
            h.update(slot)
        con.execute("UPDATE vault SET kdf = ?, checksum = ?", (bytes(kdf), h.digest()))
        con.commit()
    con.execute("PRAGMA journal_mode=DELETE")
    con.close()
    shutil.copy(db, os.path.join(d, "vault.db"))
    shutil.rmtree(tmp)

# Planted SQL objects: a trigger that swallows every new entry while the
# program reports success, a view, an index, a table, an altered table.
vault_sql("planted_trigger_swallows_entries", "list", "unexpected trigger",
          "CREATE TRIGGER swallow BEFORE INSERT ON log BEGIN SELECT RAISE(IGNORE); END;")
vault_sql("planted_view", "check", "unexpected view",
          "CREATE VIEW rows AS SELECT seq FROM log;")
vault_sql("planted_index", "check", "unexpected index",
          "CREATE INDEX by_head ON log(head);")
vault_sql("planted_table", "list", "unexpected table",
          "CREATE TABLE notes (text TEXT);")
vault_sql("log_table_altered", "check", "table log",
          "ALTER TABLE log ADD COLUMN note TEXT;")

# The KDF header changed with the unkeyed checksum forged to match: a cost
# raised so that every unlock pays minutes, and one lowered (a downgrade).
def raise_cost(kdf):
    kdf[8:12] = struct.pack(">I", 256 * 1024)
    kdf[12:16] = struct.pack(">I", 8)
    return kdf
def lower_cost(kdf):
    kdf[8:12] = struct.pack(">I", 1024)
    return kdf
vault_sql("kdf_cost_raised_checksum_forged", "list", "outside the accepted range", None, raise_cost)
vault_sql("kdf_cost_lowered_checksum_forged", "list", "outside the accepted range", None, lower_cost)

# Crafted bundles. The zip's first local header names another file than
# its central directory says (a streaming unzipper would show it).
d = case("zip_local_header_disagrees", "bundle.zip", "verify", 4,
         "do not agree with its directory")
data = bytearray(open(os.path.join(V1, "bundle.zip"), "rb").read())
at = data.index(b"report.pdf")
data[at + 9] = ord("X")
open(os.path.join(d, "bundle.zip"), "wb").write(data)

# A second report.pdf entry: `unzip` would extract the forged one.
d = case("zip_two_reports", "bundle.zip", "verify", 4, "two entries with the same name")
src = zipfile.ZipFile(os.path.join(V1, "bundle.zip"))
folder = src.namelist()[0].split("/")[0]
with zipfile.ZipFile(os.path.join(d, "bundle.zip"), "w") as out:
    for info in src.infolist():
        out.writestr(info, src.read(info))
    import warnings
    warnings.simplefilter("ignore")
    out.writestr(f"{folder}/report.pdf", b"%PDF-1.7 forged")

# A forged report under __MACOSX/ inside the bundle folder, where Finder
# never puts one.
d = case("macosx_folder_inside_bundle", "bundle", "verify", 4,
         "__MACOSX/report-corrected.pdf is not listed in SHA256SUMS")
os.makedirs(os.path.join(d, "__MACOSX"))
open(os.path.join(d, "__MACOSX", "report-corrected.pdf"), "wb").write(b"%PDF-1.7 forged")

# SHA256SUMS naming a file outside the bundle and a device that never ends.
d = case("sums_name_outside_the_bundle", "bundle", "verify", 4,
         "which is not a file inside the bundle")
sums = open(os.path.join(V1, "bundle", "SHA256SUMS")).read()
sums += "0" * 64 + "  ../../../etc/hostname\n" + "0" * 64 + "  /dev/zero\n"
open(os.path.join(d, "SHA256SUMS"), "w").write(sums)
PY

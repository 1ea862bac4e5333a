#!/usr/bin/env bash
# Installs what building and testing need on a fresh Debian 12 machine with
# the Rust toolchain (rustup) already present. Safe to run again.
set -euo pipefail

apt_packages=(
  build-essential   # C compiler for the bundled SQLite
  pkg-config
  util-linux        # mount/umount: the full-disk test mounts a small tmpfs (as root)
  bsdutils          # script: a real terminal for the passphrase-prompt test
  libimage-exiftool-perl  # exiftool: writes EXIF into test photos
  # What an officer checks a bundle with; the export tests run each of them:
  qpdf              # qpdf --check
  poppler-utils     # pdfinfo, pdftotext, pdftoppm
  openssh-client    # ssh-keygen -Y verify
  unzip             # unzip -t
  coreutils         # sha256sum -c
  # What opens a backup without this program; the backup tests run them:
  age               # age -d
  tar               # tar -x
)

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  # The package-lists lock is not covered by DPkg::Lock::Timeout: retry.
  for i in 1 2 3 4 5; do as_root apt-get update -qq && break || sleep 5; done
  as_root apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}"
fi

rustup component add rustfmt clippy >/dev/null 2>&1 || true
cargo --version
echo "setup done"

#!/usr/bin/env bash
# Installs what building and testing need on a fresh Debian 12 machine with
# the Rust toolchain (rustup) and Node.js with npm already present. Safe to
# run again.
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
  # A desktop keyring on a private session bus: the anchor's keystore copy test
  dbus-daemon gnome-keyring libsecret-tools
  # The app (Tauri 2 on WebKitGTK), and running it headless under test:
  libwebkit2gtk-4.1-dev libxdo-dev libssl-dev libayatana-appindicator3-dev librsvg2-dev file
  xvfb xauth        # a screen for the app in tests
  x11-utils         # xwininfo: the end-to-end test reads the window's title
  python3           # scripts/mobile-disguises.py check: the phone configuration
  webkit2gtk-driver # WebKitWebDriver, behind tauri-driver
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good  # the player for audio and video exhibits
  chromium          # the UI's accessibility checks (axe-core) with the IPC mocked
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

# tauri-driver: the WebDriver front for the app's end-to-end test.
if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
  cargo install tauri-driver --version 2.1.0 --locked
fi
cargo --version
# Test-only npm packages for the UI checks (the app itself has none).
(cd ui/tests && npm ci --no-audit --no-fund --loglevel=error)
echo "setup done"

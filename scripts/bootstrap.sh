#!/usr/bin/env bash
# Installs whatever the build and the tests need and is not there yet: Debian/Ubuntu packages (WebKitGTK and
# friends, Xvfb, Chromium, the WebKit WebDriver, rpm for the package test), the front end's npm packages, and
# tauri-driver. Every check is cheap, so running it when everything is present takes well under a second.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# --- system packages -------------------------------------------------------------------------------------------
packages=(
  build-essential pkg-config libssl-dev curl file
  libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev   # Tauri on Linux
  xvfb xauth webkit2gtk-driver                                                   # the real window, headless
  dbus dbus-x11 gnome-keyring                                                    # a Secret Service for keychain tests
  shellcheck                                                                     # make lint: the shell exports
  rpm desktop-file-utils                                                         # make test-package
)
# Debian ships Chromium as `chromium`; Ubuntu as `chromium-browser`.
if apt-cache show chromium >/dev/null 2>&1 || dpkg -s chromium >/dev/null 2>&1; then
  packages+=(chromium)
else
  packages+=(chromium-browser)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]})); then
  command -v apt-get >/dev/null || die "missing packages (${missing[*]}) and no apt-get: install them by hand"
  sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo)
  say "installing system packages: ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- toolchains ------------------------------------------------------------------------------------------------
export PATH="$HOME/.cargo/bin:$PATH"
command -v cargo >/dev/null || die "Rust is not installed: install it with rustup (https://rustup.rs), then re-run"
command -v node >/dev/null || die "Node.js is not installed: Node 20.19 or newer is needed"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || die "Node $(node --version) is too old: Node 20.19 or newer is needed (Vite 8)"

# --- front-end packages: `npm ci` whenever package-lock.json changed since the last install --------------------
lock_hash=$(sha256sum ui/package-lock.json | cut -d' ' -f1)
stamp=ui/node_modules/.installed-from-lock
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
  say "installing front-end packages (npm ci)"
  (cd ui && npm ci --no-audit --no-fund --loglevel=error)
  echo "$lock_hash" > "$stamp"
fi

# --- tauri-driver, for the end-to-end tests of the real window -------------------------------------------------
if ! command -v tauri-driver >/dev/null; then
  say "installing tauri-driver 2.x (cargo install)"
  cargo install tauri-driver --locked --version '^2' --quiet
fi

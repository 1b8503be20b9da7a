#!/usr/bin/env bash
# Builds the release app and the auth0-eventgrid command line, then packages the app (which is the command line too
# when started as auth0-eventgrid) with Tauri's bundler: a .deb and
# an .rpm under <target>/release/bundle/. Nothing is downloaded: only the bundlers that need no tool from the
# internet run here (AppImage, .msi/NSIS and .dmg are built on a release machine, see the README).
#
#   scripts/bundle.sh                  # BUNDLES=deb,rpm by default
#   PROFILE=debug scripts/bundle.sh    # packages the test build's binaries (make test-binaries) as they are:
#                                      # what `make test` installs, to check the packaging without a release build
#
# The updater is compiled in, and its signed artifacts made, only when AUTH0_EVENTGRID_UPDATER_PUBKEY and
# AUTH0_EVENTGRID_UPDATER_ENDPOINT are set (then TAURI_SIGNING_PRIVATE_KEY must be too); the Azure app
# registration's id comes from AUTH0_EVENTGRID_AZURE_CLIENT_ID when set. The front end must be built (make ui).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }

bundles=${BUNDLES:-deb,rpm}
target_dir=$(cargo metadata --format-version 1 --no-deps --locked |
  node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).target_directory))')
profile=${PROFILE:-release}
case "$profile" in
  release)
    # One build of both binaries, so the dependencies they share are compiled once with one feature set.
    say "building the release app and command line"
    cargo build --release --locked -p auth0-eventgrid-setup -p auth0-eventgrid
    ;;
  debug)
    for binary in auth0-eventgrid-setup auth0-eventgrid; do
      [ -x "$target_dir/debug/$binary" ] || { echo "$target_dir/debug/$binary is missing: run make test-binaries" >&2; exit 1; }
    done
    ;;
  *) echo "PROFILE must be release or debug, not '$profile'" >&2; exit 2 ;;
esac
bundle_dir="$target_dir/$profile/bundle"

# What only the Linux packages need, merged over tauri.conf.json for this run alone:
# - a product name without spaces: the bundler names the desktop entry, the package files and the package after it
#   (auth0-eventgrid-setup.desktop, not "Auth0 Event Grid Setup.desktop"); the app keeps its own name (the entry's
#   Name= comes from src-tauri/packaging/app.desktop), as the binary is built from tauri.conf.json alone;
# - the command line: /usr/bin/auth0-eventgrid is a link to the app, which runs the command line when started under
#   that name (src-tauri/src/main.rs), so the package carries one binary. The link is made by the package's
#   scripts after installing and removed before removing (whether the bundler's `files` keeps a symbolic link as
#   one was not checked, so it is not relied on);
# - with an updater key: the key, the endpoint and signed update artifacts.
# - the .rpm's payload compressed with xz (the bundler's own option; its default is gzip): -9 for a release, the
#   fastest level for the test build, whose size nobody reads.
config=$(PACKAGING="$PWD/src-tauri/packaging" PROFILE="$profile" node -e '
  const env = process.env;
  const scripts = { postInstallScript: `${env.PACKAGING}/link-cli.sh`, preRemoveScript: `${env.PACKAGING}/unlink-cli.sh` };
  const compression = { type: "xz", level: env.PROFILE === "release" ? 9 : 1 };
  const config = {
    productName: "auth0-eventgrid-setup",
    bundle: { linux: { deb: scripts, rpm: { ...scripts, compression } } },
  };
  if (env.AUTH0_EVENTGRID_UPDATER_PUBKEY) {
    config.bundle.createUpdaterArtifacts = true;
    config.plugins = {
      updater: { pubkey: env.AUTH0_EVENTGRID_UPDATER_PUBKEY, endpoints: [env.AUTH0_EVENTGRID_UPDATER_ENDPOINT] },
    };
  }
  console.log(JSON.stringify(config));
')

# A package of an earlier build (or under an earlier name) must not be mistaken for this one.
rm -rf "$bundle_dir/deb" "$bundle_dir/rpm"
say "packaging ($profile): $bundles"
debug_flag=()
[ "$profile" = debug ] && debug_flag=(--debug)
ui/node_modules/.bin/tauri bundle --ci "${debug_flag[@]}" --bundles "$bundles" --config "$config"

# Tauri's .deb bundler compresses with gzip only. The .deb is repacked with xz, as Debian's own packages are: the
# same files, scripts and md5sums, about a third smaller (12.7 MB with gzip, 8.0 MB with xz -9, 5 December 2026).
# dpkg-deb is part of dpkg, on every Debian and Ubuntu machine. The test build's far larger packages get xz's
# fastest level: the test checks that the xz package installs, not its size.
if [ -d "$bundle_dir/deb" ] && command -v dpkg-deb >/dev/null; then
  level=9
  [ "$profile" = debug ] && level=1
  for deb in "$bundle_dir"/deb/*.deb; do
    say "repacking $(basename "$deb") with xz -$level"
    unpacked=$(mktemp -d)
    dpkg-deb --raw-extract "$deb" "$unpacked/root"
    dpkg-deb --root-owner-group -Zxz "-z$level" --build "$unpacked/root" "$deb.xz-tmp" >/dev/null
    mv -f "$deb.xz-tmp" "$deb"
    rm -rf "$unpacked"
    # The bundler signed the .deb it made; the repacked one needs its own signature, bound to the same version,
    # or every installed copy would refuse the update (tests/package checks each .sig against its package).
    if [ -f "$deb.sig" ]; then
      version=$(base64 -d "$deb.sig" | sed -n 's/.*\tversion:\([^\t]*\).*/\1/p')
      say "signing the repacked $(basename "$deb") for the updater"
      rm -f "$deb.sig"
      ui/node_modules/.bin/tauri signer sign ${version:+--app-version "$version"} "$deb" >/dev/null
      [ -f "$deb.sig" ] || { echo "signing $deb made no $deb.sig" >&2; exit 1; }
    fi
  done
fi

say "made:"
find "$bundle_dir" -maxdepth 2 -type f \( -name '*.deb' -o -name '*.rpm' -o -name '*.sig' \) \
  -printf '  %p (%s bytes)\n' >&2

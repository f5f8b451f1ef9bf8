#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium for the browser test (test/e2e/editor.e2e.ts)
# and `npm run screenshots` (playwright-core drives it; it downloads no browser of its own).
# Installs the `chromium` package with apt when it is missing and we are root; otherwise says how.
# Prints the browser's path on its last line.
set -euo pipefail

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
log() { printf '[chromium] %s\n' "$*" >&2; }

if [ -x "$CHROMIUM" ]; then
  echo "$CHROMIUM"
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  log "no Chromium at $CHROMIUM: install Debian's (sudo apt-get install -y chromium) or set CHROMIUM_PATH"
  exit 1
fi
started=$SECONDS
log "installing Debian's chromium with apt-get (once, about a minute)"
apt_get() { apt-get -o DPkg::Lock::Timeout=600 -o Dpkg::Use-Pty=0 "$@"; }
export DEBIAN_FRONTEND=noninteractive
# The package lists may be missing or stale on a new machine: refresh them once if the install fails.
if ! apt_get install -y --no-install-recommends chromium >&2; then
  apt_get update -q >&2
  apt_get install -y --no-install-recommends chromium >&2
fi
[ -x "$CHROMIUM" ] || { log "apt-get installed chromium but $CHROMIUM is not there"; exit 1; }
log "installed $("$CHROMIUM" --version 2>/dev/null || echo chromium) in $((SECONDS - started)) s"
echo "$CHROMIUM"

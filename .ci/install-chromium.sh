#!/usr/bin/env bash
# Installs Debian's headless-capable Chromium and the fonts the report's browser tests render with.
# Called by .ci/run before the tests; safe to run again (it does nothing when all is installed).
# Needs root (CI runs as root) and Debian's package mirrors; nothing is downloaded from elsewhere:
# the tests drive /usr/bin/chromium through Playwright's `executable_path`, never a browser build
# of Playwright's own.
set -euo pipefail

packages=(chromium fonts-dejavu-core fonts-liberation fonts-noto-color-emoji)

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-chromium: need root to install ${missing[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# apt and debconf chatter goes to the log, shown only when something fails.
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "install-chromium: could not install ${missing[*]}" >&2
  exit 1
fi
command -v chromium >/dev/null || { echo "install-chromium: chromium is still missing" >&2; exit 1; }

#!/usr/bin/env bash
# Writes the version from VERSION into wails.json's info.productVersion, the
# one place the Wails CLI reads it from (Info.plist, Windows resources, NSIS).
# Usage: tools/sync-version.sh   (run from anywhere; `make build` runs it)
set -euo pipefail
cd "$(dirname "$0")/.."
v=$(tr -d '[:space:]' < VERSION)
if ! [[ $v =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]]; then
  echo "VERSION holds \"$v\", which is not a version like 1.2.3 or 1.2.3-rc.1" >&2
  exit 1
fi
if grep -q "\"productVersion\": \"$v\"" wails.json; then exit 0; fi
sed -i.bak -E "s/(\"productVersion\": \")[^\"]*(\")/\1$v\2/" wails.json && rm -f wails.json.bak
echo "wails.json: productVersion $v"

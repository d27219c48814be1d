#!/usr/bin/env bash
# Generates every app icon from the one source, build/appicon.svg:
#   build/appicon.png                     1024x1024 (Wails: macOS bundle, Windows fallback)
#   build/windows/icon.ico                16-256 px (exe resources, installer, shortcuts)
#   build/darwin/appicon.icns             16-1024 px (the macOS bundle's iconfile.icns)
#   build/linux/icons/<size>/deepr.png    the hicolor sizes packaged for Linux
# The outputs are committed; run this after editing the SVG.
# Needs rsvg-convert, icotool and png2icns (tools/install-deps.sh icons).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh icons
for t in rsvg-convert icotool png2icns; do
  command -v "$t" >/dev/null || { echo "make-icons: $t is missing (Debian: librsvg2-bin, icoutils, icnsutils)" >&2; exit 1; }
done

svg=build/appicon.svg
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
png() { rsvg-convert --width "$1" --height "$1" --keep-aspect-ratio "$svg" -o "$2"; }

png 1024 build/appicon.png

ico=()
for s in 16 24 32 48 64 128 256; do png "$s" "$tmp/ico-$s.png"; ico+=("$tmp/ico-$s.png"); done
# 256 px is stored as PNG (as Windows expects), the small sizes as bitmaps.
icotool --create --output=build/windows/icon.ico "${ico[@]:0:6}" --raw="${ico[6]}"

icns=()
for s in 16 32 48 128 256 512 1024; do png "$s" "$tmp/icns-$s.png"; icns+=("$tmp/icns-$s.png"); done
png2icns build/darwin/appicon.icns "${icns[@]}" >/dev/null

for s in 16 24 32 48 64 128 256 512; do
  mkdir -p "build/linux/icons/$s"
  png "$s" "build/linux/icons/$s/deepr.png"
done
echo "icons written from $svg"

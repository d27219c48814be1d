#!/usr/bin/env bash
# Cross-builds Deepr for Windows on Linux and wraps it in the NSIS installer:
#   tools/package-windows.sh VERSION
#   -> build/bin/windows/deepr.exe, build/bin/deepr-VERSION-windows-amd64-setup.exe
# Needs mingw-w64 (Debian gcc-mingw-w64-x86-64) for cgo (SQLite) and the
# resources, and makensis (Debian nsis): tools/install-deps.sh package.
# frontend/dist must be built first (make package-windows does it).
# NSIS_COMPRESSOR=zlib makes a larger installer much faster (make test uses it).
#   tools/package-windows.sh --exe-only VERSION OUT
#   -> only deepr.exe, built the same way, at OUT (tools/test-windows.sh runs it
#      under Wine; the window's pages are not needed there, nor NSIS).
set -euo pipefail
cd "$(dirname "$0")/.."
exe_only=0
if [ "${1:-}" = --exe-only ]; then exe_only=1; shift; fi
version=${1:?usage: tools/package-windows.sh [--exe-only] VERSION [OUT]}
GO=${GO:-go}
cc=x86_64-w64-mingw32-gcc
windres=x86_64-w64-mingw32-windres
tools=("$cc" "$windres")
[ "$exe_only" = 1 ] || tools+=(makensis)
for t in "${tools[@]}"; do
  command -v "$t" >/dev/null || { echo "package-windows: $t is missing; run tools/install-deps.sh package" >&2; exit 1; }
done
if [ "$exe_only" = 0 ] && [ ! -f frontend/dist/index.html ]; then
  echo "package-windows: frontend/dist is empty; run make frontend" >&2; exit 1
fi

# FILEVERSION wants four numbers: 1.2.3-rc.1 -> 1,2,3,0.
IFS=. read -r major minor patch <<<"${version%%[-+]*}"
comma="$major,$minor,${patch:-0},0"

work=$(mktemp -d)
syso=rsrc_windows_amd64.syso # only the windows/amd64 build links it
trap 'rm -rf "$work" "$syso"' EXIT
sed -e 's/{{.Name}}/Deepr/g' -e "s/{{.Info.ProductVersion}}/${version%%[-+]*}/g" \
  build/windows/wails.exe.manifest > "$work/deepr.exe.manifest"
sed -e "s/@VERSION@/$version/g" -e "s/@VERSION_COMMA@/$comma/g" build/windows/deepr.rc > "$work/deepr.rc"
cp build/windows/icon.ico "$work/"
"$windres" --input-format=rc --output-format=coff -I "$work" -i "$work/deepr.rc" -o "$syso"

exe=build/bin/windows/deepr.exe
[ "$exe_only" = 0 ] || exe=${2:?usage: tools/package-windows.sh --exe-only VERSION OUT}
mkdir -p "$(dirname "$exe")"
CC=$cc CGO_ENABLED=1 GOOS=windows GOARCH=amd64 \
  "$GO" build -tags desktop,production,sqlite_fts5 -trimpath \
  -ldflags "-w -s -H windowsgui -X main.version=$version" -o "$exe" .
file -b "$exe" | grep -q "PE32+ executable (GUI) x86-64" || { echo "package-windows: $exe is not a 64-bit Windows GUI program: $(file -b "$exe")" >&2; exit 1; }
if [ "$exe_only" = 1 ]; then echo "built $exe"; exit 0; fi

# Microsoft's WebView2 bootstrapper, as shipped inside the Wails module (no download).
wails_dir=$("$GO" list -m -f '{{.Dir}}' github.com/wailsapp/wails/v2)
webview2=$wails_dir/internal/webview2runtime/MicrosoftEdgeWebview2Setup.exe
[ -f "$webview2" ] || { echo "package-windows: $webview2 not found" >&2; exit 1; }

setup=$PWD/build/bin/deepr-$version-windows-amd64-setup.exe
makensis -V2 -DCOMPRESSOR="${NSIS_COMPRESSOR:-lzma}" -DVERSION="${version%%[-+]*}" -DEXE="$PWD/$exe" -DWEBVIEW2="$webview2" \
  -DOUTFILE="$setup" build/windows/installer/project.nsi
file -b "$setup" | grep -q "PE32 executable (GUI)" || { echo "package-windows: $setup is not a Windows installer: $(file -b "$setup")" >&2; exit 1; }
echo "built $exe"
echo "built $setup"

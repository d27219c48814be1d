#!/usr/bin/env bash
# Installs the system packages Deepr needs on Debian/Ubuntu, only those that
# are missing. Usage: tools/install-deps.sh build|package|icons|test
#   build:   compiler, pkg-config, GTK 3 and WebKitGTK (to build and run the app)
#   icons:   the SVG rasterizer and the ICO/ICNS writers (tools/make-icons.sh)
#   package: build + desktop-file-validate, the mingw-w64 cross compiler and
#            NSIS (make package-linux, make package-windows)
#   wine:    the mingw-w64 cross compiler and Wine (Debian's wine64), to run the
#            Windows build's tests under Wine (make test-windows, tools/wine.sh)
#   test:    package + wine + Xvfb, screenshots, Chromium, D-Bus and a notification daemon,
#            poppler-utils (pdftotext, pdffonts: the PDF export tests) and
#            LibreOffice Writer without a GUI (soffice: the DOCX export test)
# On other systems it prints what to install and exits 1 if something is missing.
set -euo pipefail
want=${1:-build}

case "$want" in
  build|package|test|icons|wine) ;;
  *) echo "usage: tools/install-deps.sh build|package|icons|wine|test" >&2; exit 2 ;;
esac

build_pkgs() {
  pkgs+=(build-essential pkg-config libgtk-3-dev)
  # WebKitGTK: 4.1 where the distribution has it (Ubuntu 24.04 ships only 4.1), else 4.0.
  if pkg-config --exists webkit2gtk-4.1 2>/dev/null; then
    pkgs+=(libwebkit2gtk-4.1-dev)
  elif pkg-config --exists webkit2gtk-4.0 2>/dev/null; then
    pkgs+=(libwebkit2gtk-4.0-dev)
  else
    pkgs+=(libwebkit2gtk-4.1-dev)
  fi
}
pkgs=()
case "$want" in
  icons)   pkgs+=(librsvg2-bin icoutils icnsutils) ;;
  build)   build_pkgs ;;
  package) build_pkgs; pkgs+=(desktop-file-utils gcc-mingw-w64-x86-64 nsis) ;;
  wine)    pkgs+=(gcc-mingw-w64-x86-64 wine64) ;;
  test)    build_pkgs; pkgs+=(desktop-file-utils gcc-mingw-w64-x86-64 nsis wine64)
           pkgs+=(xvfb xauth xdotool imagemagick chromium dbus dbus-x11 dunst libnotify-bin)
           pkgs+=(poppler-utils libreoffice-writer-nogui) ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "Not a Debian/Ubuntu system. Install the equivalents of: ${pkgs[*]}" >&2
  echo "(macOS: Xcode command line tools; Windows: WebView2 and a C compiler for cgo.)" >&2
  exit 0
fi

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo=sudo; else
    echo "Missing packages: ${missing[*]}. Install them as root: apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# libwebkit2gtk-4.1-dev may not exist on older releases: fall back to 4.0.
if ! $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
  fallback=("${missing[@]/libwebkit2gtk-4.1-dev/libwebkit2gtk-4.0-dev}")
  $sudo apt-get install -y -qq --no-install-recommends "${fallback[@]}"
fi

#!/usr/bin/env bash
# Linux packages of Deepr, built offline from a binary `make build` made.
#   tools/package-linux.sh build VERSION BINARY   -> build/bin/deepr_VERSION_ARCH.deb
#                                                   build/bin/deepr-VERSION-linux-ARCH.tar.gz
#   tools/package-linux.sh check VERSION          installs the .deb with apt-get, runs
#                                                   `deepr version`, removes it with dpkg -r
# Both packages hold the same files: bin/deepr, the desktop entry and the icon
# in the hicolor theme (the .deb under /usr, the archive under deepr-VERSION/,
# to unpack into ~/.local or /usr/local).
set -euo pipefail
cd "$(dirname "$0")/.."
cmd=${1:?usage: tools/package-linux.sh build VERSION BINARY | check VERSION}
version=${2:?VERSION missing}
arch=$(dpkg --print-architecture)
deb=build/bin/deepr_${version}_${arch}.deb
tarball=build/bin/deepr-${version}-linux-${arch}.tar.gz

sudo=""
if [ "$(id -u)" != 0 ]; then sudo=sudo; fi

# stage DIR: the installed tree (bin/, share/) under DIR.
stage() {
  local root=$1
  install -Dm755 "$binary" "$root/bin/deepr"
  install -Dm644 build/linux/deepr.desktop "$root/share/applications/deepr.desktop"
  install -Dm644 build/appicon.svg "$root/share/icons/hicolor/scalable/apps/deepr.svg"
  local d s
  for d in build/linux/icons/*/; do
    s=$(basename "$d")
    install -Dm644 "$d/deepr.png" "$root/share/icons/hicolor/${s}x${s}/apps/deepr.png"
  done
}

# depends BINARY: the runtime packages the binary links against (GTK 3,
# WebKitGTK, GLib, libc...), as dpkg-shlibdeps finds them on this system.
depends() {
  local work
  work=$(mktemp -d)
  mkdir -p "$work/debian"
  printf 'Source: deepr\n\nPackage: deepr\nArchitecture: any\n' > "$work/debian/control"
  cp "$1" "$work/deepr"
  (cd "$work" && dpkg-shlibdeps -O -e deepr 2>/dev/null) | sed -n 's/^shlibs:Depends=//p'
  rm -rf "$work"
}

build() {
  binary=${1:?BINARY missing}
  [ -x "$binary" ] || { echo "package-linux: $binary is missing; run make build first" >&2; exit 1; }
  desktop-file-validate build/linux/deepr.desktop
  local work root deps
  work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN

  root=$work/deb
  stage "$root/usr"
  deps=$(depends "$binary")
  case "$deps" in
    *libgtk-3*) ;; *) echo "package-linux: $binary does not link GTK 3 (Depends: $deps); build it with the desktop tag" >&2; exit 1 ;;
  esac
  case "$deps" in
    *libwebkit2gtk-4*) ;; *) echo "package-linux: $binary does not link WebKitGTK (Depends: $deps)" >&2; exit 1 ;;
  esac
  if [[ $deps =~ -dev([ ,]|$) ]]; then
    echo "package-linux: a -dev package in Depends: $deps" >&2; exit 1
  fi
  mkdir -p "$root/DEBIAN"
  cat > "$root/DEBIAN/control" <<CONTROL
Package: deepr
Version: $version
Architecture: $arch
Maintainer: Deepr Desktop developers <dev@deepr.local>
Installed-Size: $(du -sk "$root/usr" | cut -f1)
Depends: $deps
Section: utils
Priority: optional
Homepage: https://github.com/deepr-desktop/deepr
Description: queue deep research and read every report offline
 Deepr Desktop queues deep-research jobs with OpenAI, keeps tracking them
 while its window is closed, and saves every report, with its sources, in a
 local library you can search. The same binary is a command-line tool
 (deepr submit, deepr list, deepr show ...).
CONTROL
  mkdir -p build/bin
  dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null

  local top=deepr-$version
  stage "$work/tar/$top"
  tar -C "$work/tar" --sort=name --owner=0 --group=0 --numeric-owner -czf "$tarball" "$top"
  echo "built $deb ($deps)"
  echo "built $tarball"
}

check() {
  [ -f "$deb" ] || { echo "package-linux: $deb is missing; run make package-linux" >&2; exit 1; }
  if dpkg-query -W -f='${Status}' deepr 2>/dev/null | grep -q "install ok installed"; then
    echo "package-linux: a deepr package is already installed; not touching it (dpkg -r deepr first)" >&2
    exit 1
  fi
  # apt-get resolves Depends from what is installed (make deps put GTK and WebKit there).
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "./$deb" >/dev/null
  local out status=0
  out=$(/usr/bin/deepr version) || status=$?
  for f in /usr/share/applications/deepr.desktop /usr/share/icons/hicolor/256x256/apps/deepr.png; do
    [ -f "$f" ] || { echo "package-linux: $f was not installed" >&2; status=1; }
  done
  $sudo dpkg -r deepr >/dev/null
  if [ "$status" != 0 ] || [ "$out" != "deepr $version" ]; then
    echo "package-linux: the installed deepr printed \"$out\" (exit $status), want \"deepr $version\"" >&2
    exit 1
  fi
  if [ -e /usr/bin/deepr ]; then echo "package-linux: dpkg -r left /usr/bin/deepr behind" >&2; exit 1; fi
  echo "package-linux: $deb installs, prints \"$out\" and uninstalls"
}

case "$cmd" in
  build) build "${3:-}" ;;
  check) check ;;
  *) echo "usage: tools/package-linux.sh build VERSION BINARY | check VERSION" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# Runs the Windows build under Wine, in a private prefix, headless.
#   tools/wine.sh setup          the prefix and the stand-in bcryptprimitives.dll (idempotent)
#   tools/wine.sh run EXE ARGS   runs EXE under Wine in that prefix (after setup)
#   tools/wine.sh env            prints WINE=, WINESERVER=, CONRUN= and the WINE* settings, one a line
#   tools/wine.sh stop           stops this prefix's wineserver
# The prefix is $DEEPR_WINEPREFIX, else $XDG_CACHE_HOME/deepr/wine (~/.cache/deepr/wine);
# never ~/.wine. Wine itself: tools/install-deps.sh wine (Debian's wine64 8.0).
# Wine 8.0 lacks bcryptprimitives.dll, which Go 1.24+ loads at start (ProcessPrng):
# tools/wine/bcryptprimitives.c, built with mingw-w64, is put in the prefix's system32.
# tools/wine/conrun.c (built into the prefix too) starts a program as cmd.exe starts a
# GUI program on Windows, so a test can prove that deepr.exe prints in a console.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

prefix=${DEEPR_WINEPREFIX:-${XDG_CACHE_HOME:-$HOME/.cache}/deepr/wine}
case "$prefix" in
  /*) ;;
  *) echo "wine.sh: the prefix must be an absolute path: $prefix" >&2; exit 2 ;;
esac
if [ "$(realpath -m "$prefix")" = "$(realpath -m "$HOME/.wine")" ]; then
  echo "wine.sh: refusing to use ~/.wine; set DEEPR_WINEPREFIX to a private folder" >&2; exit 2
fi

# Debian's wine64 package has only /usr/lib/wine/wine64 (the `wine` package adds
# the wrappers in /usr/bin); other systems name it wine64 or wine.
find_wine() {
  local w
  for w in wine64 /usr/lib/wine/wine64 wine; do
    if command -v "$w" >/dev/null 2>&1; then command -v "$w"; return; fi
  done
  echo "wine.sh: Wine is missing; run tools/install-deps.sh wine" >&2
  exit 1
}
find_wineserver() {
  local s
  for s in "$(dirname "$wine")/wineserver64" "$(dirname "$wine")/wineserver" wineserver64 wineserver; do
    if command -v "$s" >/dev/null 2>&1; then command -v "$s"; return; fi
  done
  echo "wine.sh: wineserver is missing next to $wine" >&2
  exit 1
}

wine=$(find_wine)
wineserver=$(find_wineserver)
export WINEPREFIX=$prefix WINEARCH=win64 WINEDEBUG=${WINEDEBUG:--all}
# No Mono or Gecko download prompts (nothing here needs .NET or an HTML engine),
# and no desktop window: a console program needs no X display.
export WINEDLLOVERRIDES=${WINEDLLOVERRIDES:-mscoree,mshtml=}
unset DISPLAY WAYLAND_DISPLAY
conrun=$prefix/drive_c/deepr-tools/conrun.exe

setup() {
  local sys32=$prefix/drive_c/windows/system32
  if [ ! -f "$prefix/system.reg" ] || [ ! -d "$sys32" ]; then
    mkdir -p "$prefix"
    echo "wine.sh: creating the Wine prefix $prefix"
    # "failed to open syswow64\rundll32.exe" is expected: a 64-bit-only Wine.
    "$wine" wineboot --init >/dev/null 2>&1 || true
    "$wineserver" -w
    [ -d "$sys32" ] || { echo "wine.sh: wineboot did not create $sys32" >&2; exit 1; }
  fi
  local cc=x86_64-w64-mingw32-gcc
  command -v "$cc" >/dev/null || { echo "wine.sh: $cc is missing; run tools/install-deps.sh wine" >&2; exit 1; }
  build "$sys32/bcryptprimitives.dll" "$root/tools/wine/bcryptprimitives.c" -shared -ladvapi32
  build "$conrun" "$root/tools/wine/conrun.c" -municode
}

# build OUT SRC FLAGS...: compiles SRC with mingw-w64 when OUT is missing or older.
build() {
  local out=$1 src=$2
  shift 2
  if [ ! -f "$out" ] || [ "$src" -nt "$out" ]; then
    mkdir -p "$(dirname "$out")"
    x86_64-w64-mingw32-gcc -O2 -s -o "$out.tmp" "$src" "$@"
    mv "$out.tmp" "$out"
  fi
}

case "${1:-}" in
  setup) setup ;;
  run)
    shift
    [ $# -ge 1 ] || { echo "usage: tools/wine.sh run EXE [ARGS...]" >&2; exit 2; }
    exec "$wine" "$@" ;;
  env)
    printf '%s\n' "WINE=$wine" "WINESERVER=$wineserver" "CONRUN=$conrun" "WINEPREFIX=$WINEPREFIX" \
      "WINEARCH=$WINEARCH" "WINEDEBUG=$WINEDEBUG" "WINEDLLOVERRIDES=$WINEDLLOVERRIDES" ;;
  stop) "$wineserver" -k 2>/dev/null || true ;;
  *) echo "usage: tools/wine.sh setup|run EXE [ARGS...]|env|stop" >&2; exit 2 ;;
esac

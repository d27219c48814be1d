#!/usr/bin/env bash
# Proves the Windows build on Linux, under Wine (make test-windows; docs/windows.md):
#   1. cross-compiles the Go tests of the packages whose behaviour depends on the
#      operating system for windows/amd64 and runs each test binary under Wine;
#   2. cross-builds deepr.exe as the release does and runs a CLI session with it
#      against the in-repo fake provider (go test -tags wine ./wine/).
#   tools/test-windows.sh            both
#   tools/test-windows.sh PKG...     only the tests of these backend packages (e.g. store paths)
#   tools/test-windows.sh all        only the tests of every backend package (about 7 min more
#                                    under Wine: research, simulation and worker are long)
# Needs mingw-w64 and Wine (tools/install-deps.sh wine); the Wine prefix is private
# (tools/wine.sh). Everything built goes to build/wine/.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
out=$PWD/build/wine

pkgs=("$@")
session=0
if [ ${#pkgs[@]} -eq 0 ]; then
  # The packages whose behaviour depends most on the OS (files and their
  # modes, paths with drive letters, the Run key, the credential store, an
  # open database file); the CLI session below covers the rest end to end.
  # Others (dbwatch engine logging notify recovery webhook weblink cli) pass
  # too: `tools/test-windows.sh dbwatch ...` runs them (kept out of make test
  # for its time on a fresh machine).
  pkgs=(autostart config export library mirror paths secrets store)
  session=1
elif [ "$*" = all ]; then
  mapfile -t pkgs < <(cd backend && ls -d -- */ | tr -d /)
fi

tools/wine.sh setup
while IFS= read -r kv; do export "${kv?}"; done < <(tools/wine.sh env)
unset DISPLAY WAYLAND_DISPLAY # headless: nothing here opens a window

# Wine artifact (docs/windows.md): Wine 8 answers NtSetInformationFile's
# FileDispositionInformationEx with STATUS_NOT_IMPLEMENTED, which Go's os.RemoveAll
# does not take as "fall back to the older call" (Windows 10 1607+ has the class).
# Every program built here uses Go's own fallback path, through an overlay of one
# standard-library file. The shipped deepr.exe is built without it.
mkdir -p "$out/overlay"
at=$($GO env GOROOT)/src/internal/syscall/windows/at_windows.go
sed 's/^var TestDeleteatFallback bool$/var TestDeleteatFallback = true/' "$at" >"$out/overlay/at_windows.go"
if cmp -s "$at" "$out/overlay/at_windows.go"; then
  echo "test-windows: $at has no TestDeleteatFallback switch any more; update the Wine workaround (docs/windows.md)" >&2
  exit 1
fi
printf '{"Replace":{"%s":"%s"}}\n' "$at" "$out/overlay/at_windows.go" >"$out/overlay/overlay.json"
winbuild=(env CC=x86_64-w64-mingw32-gcc CGO_ENABLED=1 GOOS=windows GOARCH=amd64
  "$GO" test -c -overlay "$out/overlay/overlay.json" -tags sqlite_fts5)

rm -rf "$out/tests" && mkdir -p "$out/tests"
"${winbuild[@]}" -o "$out/tests/" "${pkgs[@]/#/./backend/}"

failed=()
for p in "${pkgs[@]}"; do
  exe=$out/tests/$(basename "$p").test.exe
  [ -f "$exe" ] || { echo "test-windows: backend/$p has no tests"; continue; }
  start=$SECONDS
  # go test runs a test binary in its package's folder (testdata/).
  if (cd "backend/$p" && "$WINE" "$exe" -test.count=1 -test.timeout=10m >"$out/tests/$p.log" 2>&1); then
    echo "ok    backend/$p (windows/amd64 under Wine) $((SECONDS - start))s"
  else
    echo "FAIL  backend/$p (windows/amd64 under Wine) $((SECONDS - start))s"
    grep -v '^=== \|^--- PASS\|^PASS$' "$out/tests/$p.log" | tail -60
    failed+=("$p")
  fi
done
[ ${#failed[@]} -eq 0 ] || { echo "test-windows: failed under Wine: ${failed[*]} (logs in $out/tests/)" >&2; exit 1; }
[ "$session" = 1 ] || exit 0

# deepr.exe as tools/package-windows.sh builds it (GUI subsystem, resources,
# manifest), plus the overlay above.
GOFLAGS="${GOFLAGS:+$GOFLAGS }-overlay=$out/overlay/overlay.json" \
  tools/package-windows.sh --exe-only "$(cat VERSION)" "$out/deepr.exe"
DEEPR_WINE_EXE=$out/deepr.exe "$GO" test -tags wine,sqlite_fts5 -count=1 ./wine/

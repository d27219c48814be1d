# Deepr Desktop. `make run` sets up and starts the app; `make test` sets up and
# runs every test. Both install what is missing (system packages via apt-get on
# Debian/Ubuntu, npm packages, the pinned Wails CLI) before they start.

SHELL := /bin/bash
GO    ?= go
APP   := deepr
BIN   := build/bin/$(APP)
WAILS := $(GO) tool -modfile=tools/go.mod wails
STATICCHECK := $(GO) tool -modfile=tools/lint/go.mod staticcheck

# One source of truth for the version: the VERSION file. It goes into
# `deepr version` (-X main.version), wails.json (productVersion, read by the
# Wails CLI for Info.plist and the Windows resources) and the packages.
VERSION := $(shell cat VERSION)
LDFLAGS := -w -s -X main.version=$(VERSION)

# Same SQLite tag everywhere, so go-sqlite3's C code compiles once (toolchain.md, trap 4).
# WebKitGTK 4.1 needs the webkit2_41 tag; 4.0 needs none.
# `tags` is evaluated lazily, i.e. after `deps` may have installed WebKit.
tags = sqlite_fts5$(shell pkg-config --exists webkit2gtk-4.1 2>/dev/null && echo ,webkit2_41)

XVFB := xvfb-run -a -s "-screen 0 1280x900x24"
export CGO_ENABLED := 1

.PHONY: all run build dev test test-go test-frontend test-windows smoke e2e bench bench-go vet lint deps deps-test sim-long \
        frontend-deps frontend bindings bindings-check clean version-sync test-mcp \
        package-linux package-linux-check package-windows package-macos deps-package

all: build

## ---- setup ----
deps:
	@tools/install-deps.sh build
deps-test:
	@tools/install-deps.sh test
deps-package:
	@tools/install-deps.sh package

frontend/node_modules/.package-lock.json: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
frontend-deps: frontend/node_modules/.package-lock.json

## Regenerates frontend/wailsjs from app.go (the committed copy is only for tests).
bindings:
	$(WAILS) generate module -tags "$(tags)"

## Fails when the committed frontend/wailsjs is not what the bound Go methods
## generate (regenerates in place, then asks git what changed or appeared).
bindings-check: bindings
	@git diff --exit-code --stat -- frontend/wailsjs && \
	test -z "$$(git status --porcelain -- frontend/wailsjs)" || \
	{ echo "frontend/wailsjs differs from the bound Go methods: run make bindings and commit it"; exit 1; }

frontend: frontend-deps
	cd frontend && npm run build

## ---- build & run ----
## Writes VERSION into wails.json (a test fails when they differ).
version-sync:
	@tools/sync-version.sh

build: deps bindings frontend version-sync
	$(GO) build -tags desktop,production,$(tags) -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) .
	@echo "built $(BIN)"

## ---- packages (artifacts in build/bin/) ----
## Linux: a .deb and a .tar.gz with the same files (tools/package-linux.sh).
package-linux: deps-package build
	tools/package-linux.sh build $(VERSION) $(BIN)

## Installs the .deb with apt-get, runs `deepr version`, removes it (make test runs it).
package-linux-check: package-linux
	tools/package-linux.sh check $(VERSION)

## Windows: deepr.exe cross-built with mingw-w64 and its NSIS installer
## (tools/package-windows.sh); make test runs it so a broken Windows build fails.
package-windows: deps-package frontend version-sync
	tools/package-windows.sh $(VERSION)

## macOS (on a Mac): the universal Deepr.app (bundle id io.deepr, needed for
## notifications) zipped with ditto. Signing and notarization: docs/releasing.md.
package-macos: frontend-deps version-sync
	$(WAILS) build -clean -platform darwin/universal -tags sqlite_fts5 -trimpath -ldflags "-X main.version=$(VERSION)"
	cp build/darwin/appicon.icns build/bin/Deepr.app/Contents/Resources/iconfile.icns
	codesign --force --deep --sign - build/bin/Deepr.app  # ad hoc again after the icon swap
	ditto -c -k --keepParent build/bin/Deepr.app build/bin/Deepr-$(VERSION)-macos-universal.zip
	@echo "built build/bin/Deepr-$(VERSION)-macos-universal.zip"

run: build
	./$(BIN)

dev: deps frontend-deps
	$(WAILS) dev -tags "$(tags)"

## ---- tests ----
vet:
	$(GO) vet -tags $(tags) ./...

## staticcheck, pinned as a Go tool module in tools/lint.
lint:
	$(STATICCHECK) -tags $(tags) ./...

## The Go tests run with the race detector.
test-go:
	$(GO) test -race -tags $(tags) -count=1 ./...

## The simulation of daily use at length (not part of make test): thousands of
## seeded runs (about an hour; without the race detector, which make test
## runs it under); SIM_CHECKS and SIM_SEED choose how many and where to start.
SIM_CHECKS ?= 3000
SIM_SEED   ?= 1
sim-long:
	$(GO) test -tags $(tags) -count=1 -timeout 0 ./backend/simulation -run TestDailyUse \
		-rapid.checks=$(SIM_CHECKS) -rapid.seed=$(SIM_SEED) -rapid.steps=150 -rapid.shrinktime=10m

test-frontend: frontend-deps
	cd frontend && npm run check && npm test

## `deepr mcp` driven over stdio by the official TypeScript MCP client
## (@modelcontextprotocol/sdk, pinned in e2e/mcp with its own lock file),
## as an assistant would, against the fake OpenAI.
e2e/mcp/node_modules/.package-lock.json: e2e/mcp/package-lock.json
	cd e2e/mcp && npm ci --no-audit --no-fund
test-mcp: e2e/mcp/node_modules/.package-lock.json
	$(GO) test -tags e2e,$(tags) -count=1 -v ./e2e/mcp/

## The real window under Xvfb, and headless Chromium against the dev-tagged binary.
smoke e2e: build
	$(GO) build -tags dev,$(tags) -o build/bin/$(APP)-dev .
	$(XVFB) dbus-run-session -- $(GO) test -tags e2e,$(tags) -count=1 -v ./e2e/

## The Windows build under Wine (docs/windows.md): the Go tests of the packages
## whose behaviour depends on the OS, cross-compiled and run under Wine, then a
## CLI session of the cross-built deepr.exe against the fake provider. Installs
## Wine and mingw-w64 when missing; the Wine prefix is private (tools/wine.sh).
test-windows:
	@tools/install-deps.sh wine
	tools/test-windows.sh

test: deps deps-test frontend-deps
	$(MAKE) bindings-check vet lint test-go test-frontend test-mcp e2e package-linux-check
	NSIS_COMPRESSOR=zlib $(MAKE) package-windows
	$(MAKE) test-windows

## Prints the table of docs/benchmarks.md and writes it there (bench/): the idle
## window and start-up against the Wails Svelte template under Xvfb, the poll
## cycle, detection latency and the library at 10,000 reports. Not a test.
bench: deps deps-test build
	$(GO) run -tags $(tags) ./bench -app $(BIN)

## Every Go benchmark, raw (go test -bench).
bench-go:
	$(GO) test -tags $(tags) -run '^$$' -bench . -benchmem ./backend/...

clean:
	rm -rf build/bin build/bench build/wine artifacts frontend/node_modules
	find frontend/dist -mindepth 1 ! -name .gitkeep -delete 2>/dev/null || true

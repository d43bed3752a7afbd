# keepalive — see README.md. Every target is phony: Go's own cache does the
# incremental work.
GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X github.com/keepalive-ssh/keepalive/internal/cli.Version=$(VERSION)
PREFIX   ?= /usr/local
MANDIR   ?= $(PREFIX)/share/man
BIN      := bin/keepalive
FUZZTIME ?= 30s
# make dist builds one binary per GOOS/GOARCH here.
PLATFORMS ?= linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64

.PHONY: all build test test-windows test-setup fuzz lint bench bench-compare install man dist package clean

all: build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/keepalive

# The whole suite, including the tests against the real ssh, sshd and plink,
# and the Windows build under Wine (test-windows, which also runs
# internal/winetest). test-setup installs them on Debian/Ubuntu as root.
test:
	$(GO) vet ./...
	@test -z "$$(gofmt -l .)" || { gofmt -l .; echo 'gofmt: the files above need formatting'; exit 1; }
	$(GO) test -count=1 $$($(GO) list ./... | grep -v /internal/winetest$$)
	$(MAKE) test-windows

# The Windows build's tests under Wine, in a throwaway prefix: see
# scripts/wine. Skips with a message without Wine, fails under CI=true.
test-windows:
	GO=$(GO) ./scripts/wine/test.sh

test-setup:
	./scripts/test-setup.sh

# Each fuzz target for FUZZTIME; a crasher lands in the package's
# testdata/fuzz and is then a regression case of make test.
fuzz:
	$(GO) test ./internal/sshconf -run '^$$' -fuzz FuzzRoundTrip -fuzztime $(FUZZTIME)
	$(GO) test ./internal/sshconf -run '^$$' -fuzz FuzzEdit -fuzztime $(FUZZTIME)
	$(GO) test ./internal/putty -run '^$$' -fuzz FuzzSetKeepAlive -fuzztime $(FUZZTIME)
	$(GO) test ./internal/putty -run '^$$' -fuzz FuzzEscapeRoundTrip -fuzztime $(FUZZTIME)
	$(GO) test ./internal/resolve -run '^$$' -fuzz FuzzParseMatch -fuzztime $(FUZZTIME)
	$(GO) test ./internal/resolve -run '^$$' -fuzz FuzzGlobMatch -fuzztime $(FUZZTIME)
	$(GO) test ./internal/resolve -run '^$$' -fuzz FuzzEdited -fuzztime $(FUZZTIME)

lint:
	$(GO) vet ./...
	@test -z "$$(gofmt -l .)" || { gofmt -l .; exit 1; }
	@if command -v staticcheck >/dev/null; then staticcheck ./...; else echo 'staticcheck not installed: go install honnef.co/go/tools/cmd/staticcheck@latest'; fi

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# keepalive against ssh -G, sshd -T, augtool and the copy+fsync floor, on
# generated fleets (internal/testenv/fleet.go); prints the ratios, peak
# memory and the targets of docs/PERFORMANCE.md.
bench-compare:
	./scripts/bench.sh

# Binary and man pages; DESTDIR stages a package, PREFIX picks the tree.
install: build man
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/keepalive
	install -m 0644 man/man1/*.1 $(DESTDIR)$(MANDIR)/man1/

# Man pages from the command tree (cobra/doc), so they match --help. Not
# committed: they are derived. SOURCE_DATE_EPOCH fixes the date in them.
man:
	rm -rf man/man1
	$(GO) run -ldflags '-X github.com/keepalive-ssh/keepalive/internal/cli.Version=$(VERSION)' ./cmd/gendocs -out man/man1

# Release binaries, static (CGO_ENABLED=0) with VERSION embedded, named
# keepalive-VERSION-OS-ARCH[.exe], and their SHA256SUMS.
dist:
	rm -rf dist
	mkdir -p dist
	@set -e; for p in $(PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; ext=; [ $$os != windows ] || ext=.exe; \
		out=dist/keepalive-$(VERSION)-$$os-$$arch$$ext; echo "$$out"; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $$out ./cmd/keepalive; \
	done
	cd dist && if command -v sha256sum >/dev/null; then sha256sum keepalive-*; else shasum -a 256 keepalive-*; fi > SHA256SUMS

# .deb and .rpm packages for Linux amd64 and arm64 in dist/packages: the
# binary, man pages, completions and license, built by nfpm (pinned in
# scripts/package.sh), with the package version derived from VERSION.
package:
	VERSION='$(VERSION)' ./scripts/package.sh

clean:
	rm -rf bin dist man

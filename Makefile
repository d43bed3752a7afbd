# keepalive — see README.md. Every target is phony: Go's own cache does the
# incremental work.
GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X github.com/keepalive-ssh/keepalive/internal/cli.Version=$(VERSION)
PREFIX   ?= /usr/local
BIN      := bin/keepalive
FUZZTIME ?= 30s

.PHONY: all build test test-setup fuzz lint bench install clean

all: build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/keepalive

# The whole suite, including the tests against the real ssh, sshd and plink.
# test-setup installs them on Debian/Ubuntu when run as root.
test:
	$(GO) vet ./...
	@test -z "$$(gofmt -l .)" || { gofmt -l .; echo 'gofmt: the files above need formatting'; exit 1; }
	$(GO) test -count=1 ./...

test-setup:
	./scripts/test-setup.sh

fuzz:
	$(GO) test ./internal/sshconf -run '^$$' -fuzz FuzzRoundTrip -fuzztime $(FUZZTIME)
	$(GO) test ./internal/sshconf -run '^$$' -fuzz FuzzEdit -fuzztime $(FUZZTIME)

lint:
	$(GO) vet ./...
	@test -z "$$(gofmt -l .)" || { gofmt -l .; exit 1; }
	@if command -v staticcheck >/dev/null; then staticcheck ./...; else echo 'staticcheck not installed: go install honnef.co/go/tools/cmd/staticcheck@latest'; fi

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

install: build
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/keepalive

clean:
	rm -rf bin dist

package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestNoCrypto: every run maps and pays for the code linked into the
// binary. Go's public-key cryptography (a throwaway sshd host key once made
// in-process) made it a sixth larger and cost each command, even
// --version, most of a megabyte of memory; any crypto package at all
// brings Go's FIPS 140 module (self-checks, DRBG, AES, SHA-2, SHA-3) with
// it. keepalive needs none: ssh-keygen makes the host key, temp names come
// from math/rand/v2, lock names from FNV and %C from internal/connhash. So
// nothing may bring them back, on any platform keepalive ships for.
func TestNoCrypto(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	banned := []string{"crypto/ecdsa", "crypto/elliptic", "crypto/x509", "crypto/rsa", "crypto/ed25519", "encoding/pem", "encoding/asn1", "math/big"}
	for _, goos := range []string{"linux", "windows", "darwin", "freebsd"} {
		cmd := exec.Command(goTool, "list", "-deps", ".")
		cmd.Env = append(cmd.Environ(), "GOOS="+goos, "GOARCH=amd64")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("GOOS=%s go list -deps: %v\n%s", goos, err, out)
		}
		var bad []string
		for _, p := range strings.Fields(string(out)) {
			if slices.Contains(banned, p) || p == "crypto" || strings.HasPrefix(p, "crypto/") && !strings.HasPrefix(p, "crypto/internal/") {
				bad = append(bad, p)
			}
		}
		if len(bad) > 0 {
			slices.Sort(bad)
			t.Errorf("GOOS=%s: keepalive links %s (and what they import; see `go list -deps ./cmd/keepalive`)", goos, strings.Join(bad, ", "))
		}
	}
}

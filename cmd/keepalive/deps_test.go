package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoPublicKeyCrypto: every run maps and pays for the code linked into
// the binary, and Go's public-key cryptography (a throwaway sshd host key
// once made in-process) made it a sixth larger and cost each command, even
// --version, most of a megabyte of memory. ssh-keygen makes that key now;
// nothing may bring these packages back, on any platform keepalive ships
// for.
func TestNoPublicKeyCrypto(t *testing.T) {
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
		deps := map[string]bool{}
		for _, p := range strings.Fields(string(out)) {
			deps[p] = true
		}
		for _, b := range banned {
			if deps[b] {
				t.Errorf("GOOS=%s: keepalive links %s (see `go list -deps ./cmd/keepalive`)", goos, b)
			}
		}
	}
}

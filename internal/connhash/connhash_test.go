package connhash

import (
	"crypto/sha1"
	"encoding/hex"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// The FIPS 180 examples, and every length around the padding boundaries
// (55, 56, 63, 64 bytes...) against crypto/sha1.
func TestSHA1(t *testing.T) {
	for in, want := range map[string]string{
		"":    "da39a3ee5e6b4b0d3255bfef95601890afd80709",
		"abc": "a9993e364706816aba3e25717850c26c9cd0d89d",
		"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq": "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
		strings.Repeat("a", 1000000):                               "34aa973cd4c4daa4f61eeb2bdbad27316534016f",
	} {
		sum := SHA1([]byte(in))
		if got := hex.EncodeToString(sum[:]); got != want {
			t.Errorf("SHA1(%.20q...) = %s, want %s", in, got, want)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 300 {
		msg := make([]byte, n)
		for i := range msg {
			msg[i] = byte(r.Uint32())
		}
		if got, want := SHA1(msg), sha1.Sum(msg); got != want {
			t.Errorf("length %d: SHA1 = %x, crypto/sha1 = %x", n, got, want)
		}
	}
}

// Hash is what ssh prints for %C (here as ControlPath): without a
// ProxyJump, which ssh before 9.6 leaves out of the hash, the same in every
// release.
func TestHashIsSSHs(t *testing.T) {
	ssh := testenv.Tool(t, "ssh")
	local, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(ssh, "-G", "-F", empty, "-o", "ControlPath=%C", "-l", "bob", "-p", "2222", "example.org").Output()
	if err != nil {
		t.Fatalf("ssh -G: %v", err)
	}
	got := Hash(local, "example.org", "2222", "bob", "")
	if want := "controlpath " + got + "\n"; !strings.Contains(string(out), want) {
		t.Errorf("Hash = %s; ssh -G printed\n%s", got, out)
	}
}

package cli

import (
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/resolve"
)

func TestInstalledVersionParsed(t *testing.T) {
	for v, want := range map[string]string{
		"OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.19 27 Jan 2026": "OpenSSH_9.2p1 Debian-2+deb12u10",
		"OpenSSH_10.0p2 Debian-5, OpenSSL 3.5.1 1 Jul 2025":           "OpenSSH_10.0p2 Debian-5",
		"garbage": "the newest OpenSSH (version unknown)",
	} {
		if got := resolve.ParseVersion(v).String(); got != want {
			t.Errorf("ParseVersion(%q) = %q, want %q", v, got, want)
		}
	}
}

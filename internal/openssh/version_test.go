package openssh

import "testing"

func TestDebianSetupTimeOut(t *testing.T) {
	for v, want := range map[string]bool{
		"OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.19 27 Jan 2026": true,
		"OpenSSH_8.9p1 Ubuntu-3ubuntu0.10, OpenSSL 3.0.2 15 Mar 2022": true,
		"OpenSSH_9.9p1 Debian-3, OpenSSL 3.4.0 22 Oct 2024":           false,
		"OpenSSH_10.0p2 Debian-5, OpenSSL 3.5.1 1 Jul 2025":           false,
		"OpenSSH_9.2p1, OpenSSL 3.0.2 15 Mar 2022":                    false, // upstream
		"OpenSSH_9.6p1, LibreSSL 3.3.6":                               false,
		"garbage":                                                     false,
	} {
		ver, _ := ParseVersion(v)
		if got := ver.DebianSetupTimeOut(); got != want {
			t.Errorf("DebianSetupTimeOut of %q = %v, want %v", v, got, want)
		}
	}
}

package openssh

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// TestReleaseInRealSSH: the release read from the installed ssh is the
// one it prints with -V. (sshd -V prints SSH_VERSION, without the
// portable and distribution suffixes; InstalledVersion asks ssh.)
func TestReleaseInRealSSH(t *testing.T) {
	bin := testenv.Tool(t, "ssh")
	out, err := exec.Command(bin, "-V").CombinedOutput()
	printed, _, _ := strings.Cut(strings.TrimSpace(string(out)), ",")
	if err != nil || !strings.HasPrefix(printed, "OpenSSH_") {
		t.Fatalf("%s -V: %q, %v", bin, out, err)
	}
	got, ok := ReleaseIn(bin)
	if !ok || got != printed {
		t.Errorf("ReleaseIn(%s) = %q, %v; ssh -V prints %q", bin, got, ok, printed)
	}
	want, _ := ParseVersion(string(out))
	if v, err := InstalledVersion(); err != nil || v != want {
		t.Errorf("InstalledVersion() = %v, %v; ssh -V says %v", v, err, want)
	}
}

// BenchmarkInstalledVersion: reading the release from the file against
// running ssh -V, which it replaces.
func BenchmarkInstalledVersion(b *testing.B) {
	bin := testenv.Tool(b, "ssh")
	b.Run("file", func(b *testing.B) {
		for b.Loop() {
			if _, ok := ReleaseIn(bin); !ok {
				b.Fatal("no release")
			}
		}
	})
	b.Run("ssh-V", func(b *testing.B) {
		for b.Loop() {
			if err := exec.Command(bin, "-V").Run(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func TestReleaseIn(t *testing.T) {
	elf := func(parts ...string) []byte {
		b := []byte("\x7fELF\x02\x01\x01")
		for _, p := range parts {
			b = append(b, p...)
			b = append(b, 0)
		}
		return b
	}
	compat := []string{"OpenSSH_2.*,OpenSSH_3.0*,OpenSSH_3.1*", "OpenSSH_7.4*", "OpenSSH_6.6.1*", "OpenSSH*", "OpenSSH_3.*"}
	pad := strings.Repeat("x", 64<<10-70) // puts the release across the first chunk's end
	for _, tc := range []struct {
		name string
		data []byte
		want string
		ok   bool
	}{
		{"debian", elf(append(compat, "OpenSSH_9.2p1 Debian-2+deb12u10", "OpenSSH_9.2p1")...), "OpenSSH_9.2p1 Debian-2+deb12u10", true},
		{"upstream", elf("OpenSSH_10.0p2", "SSH-2.0-%s"), "OpenSSH_10.0p2", true},
		{"openbsd", elf("OpenSSH_9.6"), "OpenSSH_9.6", true},
		{"ubuntu", elf("OpenSSH_9.6p1 Ubuntu-3ubuntu13.5"), "OpenSSH_9.6p1 Ubuntu-3ubuntu13.5", true},
		{"across chunks", elf(pad, "OpenSSH_9.2p1 Debian-2+deb12u10", "OpenSSH_9.2p1"), "OpenSSH_9.2p1 Debian-2+deb12u10", true},
		{"two releases", elf("OpenSSH_9.2p1", "OpenSSH_8.4p1"), "", false},
		{"only patterns", elf(compat...), "", false},
		{"prose", elf("OpenSSH_9.2p1", "OpenSSH_7.4 or later does this"), "", false},
		{"another form", elf("OpenSSH_9.6p1-hpn18.2.0", "OpenSSH_9.6p1"), "", false},
		{"another suffix", elf("OpenSSH_9.2p1 Debian-2(bpo)", "OpenSSH_9.2p1"), "", false},
		{"not a C string", []byte("\x7fELF\x02\x01\x01OpenSSH_9.2p1 Debian-2+deb12u10" + strings.Repeat("x", 200)), "", false},
		{"other names", elf("OpenSSH_for_Windows_9.5p1", "OpenSSH", "OpenSSH_9.2p1"), "OpenSSH_9.2p1", true},
		{"script", []byte("#!/bin/sh\n# OpenSSH_9.2p1\nexec /opt/ssh \"$@\"\n\x00"), "", false},
		{"empty", nil, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "ssh")
			if err := os.WriteFile(path, tc.data, 0o700); err != nil {
				t.Fatal(err)
			}
			got, ok := ReleaseIn(path)
			if runtime.GOOS == "windows" {
				// Windows OpenSSH's release has another form: always asked.
				tc.want, tc.ok = "", false
			}
			if got != tc.want || ok != tc.ok {
				t.Errorf("ReleaseIn = %q, %v; want %q, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
	if _, ok := ReleaseIn(filepath.Join(t.TempDir(), "missing")); ok {
		t.Error("ReleaseIn of a missing file: ok")
	}
	// A real program (this test, whose strings are not NUL-terminated
	// release strings, and name several releases anyway).
	if self, err := os.Executable(); err == nil {
		if rel, ok := ReleaseIn(self); ok {
			t.Errorf("ReleaseIn(%s) = %q, true", self, rel)
		}
	}
}

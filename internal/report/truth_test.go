package report

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/resolve"
	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

func writeConfig(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func hasWarn(r *Report, level Level, text string) bool {
	for _, w := range r.Warnings {
		if w.Level == level && strings.Contains(w.Message, text) {
			return true
		}
	}
	return false
}

// TestMatchNoteNamesGlobalValue: the note on a Match block names the
// global value it overrides, not the effective one.
func TestMatchNoteNamesGlobalValue(t *testing.T) {
	cfg := writeConfig(t, "sshd_config", "ClientAliveInterval 5\nMatch all\n  ClientAliveInterval 7\nMatch User bob\n  ClientAliveInterval 9\n")
	r := Build(Options{Server: &resolve.Options{Dialect: sshconf.Server, Files: []resolve.Input{{Path: cfg}}}})
	if !hasWarn(r, Info, "overriding the global ClientAliveInterval 5 ("+cfg+":1) for them") || hasWarn(r, Info, "the global ClientAliveInterval 7") {
		t.Errorf("warnings: %v", r.Warnings)
	}
}

// TestServerConnection: with a connection, the server section says which,
// and each value names the Match block its line is in.
func TestServerConnection(t *testing.T) {
	cfg := writeConfig(t, "sshd_config", "ClientAliveInterval 5\nMatch user=bob Address 10.0.0.0/8\n  ClientAliveInterval 9\n")
	opts := &resolve.Options{Dialect: sshconf.Server, Files: []resolve.Input{{Path: cfg}}, Conn: &resolve.Conn{User: "bob", Addr: "10.1.1.1", Host: "h"}}
	r := Build(Options{Server: opts})
	s := r.Server
	if s.Connection != "user=bob,host=h,addr=10.1.1.1" || s.ClientAliveInterval.String() != "9" || s.ClientAliveInterval.Source != cfg+":3" ||
		s.ClientAliveInterval.Block != "`Match user=bob Address 10.0.0.0/8` at "+cfg+":2" {
		t.Errorf("server %+v", s)
	}
	var b bytes.Buffer
	r.Text(&b, Style{})
	if !strings.Contains(b.String(), "server (sshd) for connection user=bob,host=h,addr=10.1.1.1\n  ClientAliveInterval  9 s  "+cfg+":3 (in `Match user=bob Address 10.0.0.0/8` at "+cfg+":2)") {
		t.Errorf("text:\n%s", b.String())
	}
}

// TestRejectedConfig: a config sshd refuses is marked so, in the text and
// in Rejected, with the line.
func TestRejectedConfig(t *testing.T) {
	cfg := writeConfig(t, "sshd_config", "ClientAliveInterval 5\nMatch Address 10.0.1.0/8\n  ClientAliveInterval 9\n")
	r := Build(Options{Server: &resolve.Options{Dialect: sshconf.Server, Files: []resolve.Input{{Path: cfg}}}})
	if !strings.HasPrefix(r.Rejected(), "sshd rejects this config: "+cfg+":2: ") {
		t.Errorf("Rejected() = %q", r.Rejected())
	}
	var b bytes.Buffer
	r.Text(&b, Style{})
	if !strings.Contains(b.String(), "server (sshd), global values: sshd rejects this config, these values are not in effect") {
		t.Errorf("text:\n%s", b.String())
	}
}

// TestRootSaysVersion: under --root, when a line depends on the OpenSSH
// release, show says which it assumed.
func TestRootSaysVersion(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("--root stands for / with /etc/ssh below it: a Unix layout")
	}
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "etc/ssh"), 0o755)
	os.WriteFile(filepath.Join(root, "etc/ssh/ssh_config"), []byte("Match host=b\n  ServerAliveInterval 7\n"), 0o644)
	v := resolve.ParseVersion("OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.19 27 Jan 2026")
	fsys := resolve.FS{Root: root}
	opts := &resolve.Options{FS: fsys, Files: []resolve.Input{{Path: fsys.Real("/etc/ssh/ssh_config")}}, Host: "b", Version: func() resolve.Version { return v }}
	r := Build(Options{Client: opts})
	if r.Client.ServerAliveInterval.String() != "7" || !hasWarn(r, Info, "read as OpenSSH_9.2p1 Debian-2+deb12u10 (the ssh installed on this machine) reads them; the one in "+root+" may differ") {
		t.Errorf("value %s, warnings %v", r.Client.ServerAliveInterval, r.Warnings)
	}
	// Without --root, or without a version-dependent line, nothing is said.
	opts.FS = resolve.FS{}
	opts.Files = []resolve.Input{{Path: writeConfig(t, "config", "Host b\n  ServerAliveInterval 7\n")}}
	if r := Build(Options{Client: opts}); hasWarn(r, Info, "OpenSSH releases") {
		t.Errorf("warnings %v", r.Warnings)
	}
}

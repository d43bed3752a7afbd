package openssh

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

func TestParse(t *testing.T) {
	c := Parse([]byte("user root\nsendenv LANG\nsendenv LC_*\r\nServerAliveInterval 300\n\n"))
	if c.Get("serveraliveinterval") != "300" || c.Get("USER") != "root" || len(c["sendenv"]) != 2 || c["sendenv"][1] != "LC_*" {
		t.Errorf("Parse = %v", c)
	}
	if c.Get("missing") != "" {
		t.Error("Get of a missing key is not empty")
	}
}

func TestNotFound(t *testing.T) {
	_, err := SSH(context.Background(), SSHQuery{Bin: "", Host: "-oProxyCommand=x"})
	if err == nil {
		t.Error("SSH accepted a host starting with '-'")
	}
	_, err = Find("keepalive-no-such-program")
	var nf *NotInstalledError
	if !errors.Is(err, ErrNotFound) || !errors.As(err, &nf) || nf.Name != "keepalive-no-such-program" {
		t.Errorf("Find of a missing program: %v, want a NotInstalledError", err)
	}
}

func TestSSH(t *testing.T) {
	ssh := testenv.Tool(t, "ssh")
	f := filepath.Join(t.TempDir(), "config")
	os.WriteFile(f, []byte("Host h\n  ServerAliveInterval 2m\n"), 0o600)
	c, err := SSH(context.Background(), SSHQuery{Bin: ssh, File: f, Host: "h"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Get("serveraliveinterval") != "120" || c.Get("serveralivecountmax") != "3" {
		t.Errorf("ssh -G: interval %q count %q", c.Get("serveraliveinterval"), c.Get("serveralivecountmax"))
	}
	os.WriteFile(f, []byte("ServerAliveInterval soon\n"), 0o600)
	if _, err := SSH(context.Background(), SSHQuery{Bin: ssh, File: f, Host: "h"}); err == nil {
		t.Error("ssh -G accepted a bad interval")
	}
}

func TestSSHD(t *testing.T) {
	sshd := testenv.Tool(t, "sshd")
	dir := t.TempDir()
	hk, err := NewHostKey(sshd)
	if err != nil {
		t.Fatal(err)
	}
	defer hk.Close()
	key := hk.Path
	if info, err := os.Stat(key); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("host key %v: %v", info, err)
	}
	f := filepath.Join(dir, "sshd_config")
	os.WriteFile(f, []byte("ClientAliveInterval 1m\nMatch User bob\n  ClientAliveCountMax 0\n"), 0o600)
	c, err := SSHD(context.Background(), SSHDQuery{Bin: sshd, File: f, HostKey: key})
	if err != nil {
		t.Fatal(err)
	}
	if c.Get("clientaliveinterval") != "60" || c.Get("clientalivecountmax") != "3" {
		t.Errorf("sshd -T: %q %q", c.Get("clientaliveinterval"), c.Get("clientalivecountmax"))
	}
	c, err = SSHD(context.Background(), SSHDQuery{Bin: sshd, File: f, HostKey: key, Conn: "user=bob,host=h,addr=192.0.2.1"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Get("clientalivecountmax") != "0" {
		t.Errorf("sshd -T -C user=bob: count %q, want 0", c.Get("clientalivecountmax"))
	}
}

// TestSandbox runs ssh with a directory bind-mounted over /etc/ssh.
func TestSandbox(t *testing.T) {
	testenv.Root(t)
	ssh := testenv.Tool(t, "ssh")
	testenv.Tool(t, "unshare")
	etc := t.TempDir()
	os.WriteFile(filepath.Join(etc, "ssh_config"), []byte("ServerAliveInterval 77\n"), 0o644)
	empty := t.TempDir()
	home, err := os.UserHomeDir()
	if err != nil {
		t.Fatal(err)
	}
	c, err := SSH(context.Background(), SSHQuery{Bin: ssh, Host: "h", Sandbox: &Sandbox{Binds: map[string]string{etc: "/etc/ssh", empty: home}}})
	if err != nil {
		t.Fatal(err)
	}
	if c.Get("serveraliveinterval") != "77" {
		t.Errorf("ssh -G in the sandbox: interval %q, want 77", c.Get("serveraliveinterval"))
	}
}

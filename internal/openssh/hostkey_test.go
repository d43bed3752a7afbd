package openssh

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// The throwaway key is a private key only its owner can read, which sshd
// loads (TestSSHD runs sshd -T with it), and Close leaves nothing behind.
func TestHostKeyFile(t *testing.T) {
	sshd := testenv.Tool(t, "sshd")
	testenv.Tool(t, "ssh-keygen")
	hk, err := NewHostKey(sshd)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(hk.Path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("%s: mode %v, want -rw-------", hk.Path, fi.Mode().Perm())
	}
	data, err := os.ReadFile(hk.Path)
	if err != nil || !strings.HasPrefix(string(data), "-----BEGIN OPENSSH PRIVATE KEY-----\n") {
		t.Errorf("%s: %v, not an OpenSSH private key:\n%s", hk.Path, err, data)
	}
	dir := filepath.Dir(hk.Path)
	if err := hk.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("after Close, %s: %v, want it gone", dir, err)
	}
}

// Without ssh-keygen the error says where it was looked for, beside sshd
// first, and what to install; it is still ErrNotFound, which show --verify
// reports as "not verified".
func TestHostKeyWithoutKeygen(t *testing.T) {
	dir := t.TempDir()
	sshd := filepath.Join(dir, "sshd")
	none := func(name string) (string, error) {
		return "", &NotInstalledError{Name: "ssh-keygen", Dirs: []string{"/usr/bin", "/usr/sbin"}}
	}
	_, err := findKeygen(sshd, none)
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
	want := "make a throwaway host key for sshd: ssh-keygen is not installed (looked in " + dir + ", /usr/bin, /usr/sbin); ssh-keygen comes with OpenSSH: install its client (openssh-client on Debian and Ubuntu"
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("err = %q, want it to start with %q", err, want)
	}
	// One beside sshd is the one used, whatever find would say.
	name := "ssh-keygen"
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	keygen := filepath.Join(dir, name)
	if err := os.WriteFile(keygen, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := findKeygen(sshd, none); err != nil || got != keygen {
		t.Errorf("findKeygen = %q, %v, want %s", got, err, keygen)
	}
}

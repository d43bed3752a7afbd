package openssh

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/keepalive-ssh/keepalive/internal/atomicfile"
)

// HostKeyName is the name of the throwaway host key in a scratch directory.
const HostKeyName = "ssh_host_ed25519_key"

// HostKey is a throwaway host key in a scratch directory of its own, for
// one `sshd -T` run (show --verify). Close removes it.
type HostKey struct {
	Path    string
	scratch *atomicfile.Scratch
}

// NewHostKey makes a HostKey for the sshd at sshd ("" when not known yet:
// ssh-keygen is then looked for where Find looks).
func NewHostKey(sshd string) (*HostKey, error) {
	s, err := atomicfile.NewScratch()
	if err != nil {
		return nil, err
	}
	path, err := writeHostKey(s, sshd)
	if err != nil {
		s.Close()
		return nil, err
	}
	return &HostKey{Path: path, scratch: s}, nil
}

// Close removes the key and its directory.
func (k *HostKey) Close() error { return k.scratch.Close() }

// writeHostKey has ssh-keygen make a new Ed25519 private key, without a
// passphrase, in the scratch directory and returns its path: enough for
// `sshd -t/-T -h KEY`, which refuses to run without a host key it can
// read. The key is never used to accept a connection. ssh-keygen writes
// the key readable only by its owner, inside the scratch directory (fresh,
// 0700), where no other file of that name can exist; generating it here
// instead would link Go's whole public-key cryptography into keepalive,
// which every command would pay for in memory.
func writeHostKey(s *atomicfile.Scratch, sshd string) (string, error) {
	keygen, err := findKeygen(sshd, Find)
	if err != nil {
		return "", err
	}
	path := s.Path(HostKeyName)
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	// Stdin is empty: ssh-keygen asks nothing with -q -N "" on a new file.
	cmd := exec.CommandContext(ctx, keygen, "-q", "-t", "ed25519", "-N", "", "-C", "keepalive-throwaway", "-f", path)
	if out, err := cmd.CombinedOutput(); err != nil {
		msg := strings.TrimSpace(string(out))
		if ctx.Err() != nil {
			msg = fmt.Sprintf("timed out after %v", Timeout)
		}
		return "", fmt.Errorf("make a throwaway host key for sshd: %s -f %s: %v: %s", keygen, path, err, msg)
	}
	return path, nil
}

// findKeygen finds ssh-keygen: beside sshd first (the same OpenSSH, on
// Windows and in /usr/local), then with find (Find).
func findKeygen(sshd string, find func(name string) (string, error)) (string, error) {
	name := "ssh-keygen"
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	var beside string
	if sshd != "" {
		beside = filepath.Dir(sshd)
		if p := filepath.Join(beside, name); isProgram(p) {
			return p, nil
		}
	}
	p, err := find(name)
	if err == nil {
		return p, nil
	}
	var nf *NotInstalledError
	if errors.As(err, &nf) && beside != "" && !slices.Contains(nf.Dirs, beside) {
		nf.Dirs = append([]string{beside}, nf.Dirs...)
	}
	return "", fmt.Errorf("make a throwaway host key for sshd: %w; ssh-keygen comes with OpenSSH: install its client (openssh-client on Debian and Ubuntu, openssh on Fedora, the OpenSSH Client feature on Windows)", err)
}

package report

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/openssh"
	"github.com/keepalive-ssh/keepalive/internal/resolve"
	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// TestResolverServerIncludeMatch pins a resolver bug that show inherits
// (internal/resolve is not this package's to change).
//
// sshd's Match pass reads a file Included before the first Match line of
// the including file with SSHCFG_MATCH_ONLY, not SSHCFG_NEVERMATCH
// (servconf.c, sInclude): a Match block in a drop-in is evaluated. This is
// Debian's and Ubuntu's layout, `Include /etc/ssh/sshd_config.d/*.conf` at
// the top. The resolver caps the drop-in's blocks at the Include line's
// state, which in the Match pass is inactive, so a `Match all` (or, with a
// connection, `Match User bob`) in a drop-in never applies.
//
// Fix (resolve.go, walker.include): in the server's pass 2, when no Match
// header has been seen yet (header == nil), pass limit instead of
// min(limit, outer) to the included file.
func TestResolverServerIncludeMatch(t *testing.T) {
	dir := t.TempDir()
	main := filepath.Join(dir, "sshd_config")
	dropin := filepath.Join(dir, "sshd_config.d", "50-keepalive.conf")
	os.MkdirAll(filepath.Dir(dropin), 0o755)
	os.WriteFile(main, []byte("Include "+filepath.Join(dir, "sshd_config.d", "*.conf")+"\nClientAliveInterval 60\n"), 0o600)
	os.WriteFile(dropin, []byte("Match all\n    ClientAliveInterval 30\n"), 0o600)

	evidence := ""
	if sshd, err := openssh.Find("sshd"); err == nil {
		if key, err := openssh.NewHostKey(sshd); err == nil {
			defer key.Close()
			cfg, err := openssh.SSHD(context.Background(), openssh.SSHDQuery{Bin: sshd, File: main, HostKey: key.Path})
			if err == nil {
				evidence = " (sshd -T: clientaliveinterval " + cfg.Get("clientaliveinterval") + ")"
			}
		}
	}
	opts := resolve.Options{Dialect: sshconf.Server, Files: []resolve.Input{{Path: main}}}
	s := Build(Options{Server: &opts}).Server
	if got, want := s.ClientAliveInterval.String(), "30"; got != want || s.ClientAliveInterval.Source != dropin+":2" {
		t.Errorf("ClientAliveInterval = %s from %s, want %s from %s:2%s", got, s.ClientAliveInterval.Source, want, dropin, evidence)
	}
}

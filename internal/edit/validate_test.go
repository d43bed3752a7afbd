package edit

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/placement"
	"github.com/keepalive-ssh/keepalive/internal/resolve"
	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// An ssh that cannot be run gives no verdict on the file: the client edit
// goes ahead and says it was not validated, rather than failing or
// claiming a check it did not make.
func TestClientValidationWithoutVerdict(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config")
	if err := os.WriteFile(cfg, []byte("Host a\n  User x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var warn bytes.Buffer
	c := &Client{
		Options: Options{Warn: &warn},
		Scope: placement.Scope{Host: "*", Opts: resolve.Options{
			Dialect: sshconf.Client, Home: dir, Files: []resolve.Input{{Path: cfg, User: true}},
		}},
		FindProgram: func(string) (string, error) { return filepath.Join(dir, "no-such-ssh"), nil },
	}
	res, err := c.Enable(Values{Interval: 60, Count: 2, IntervalSet: true, CountSet: true})
	if err != nil || !res.Changed {
		t.Fatalf("enable with an ssh that cannot run: %v, %+v", err, res)
	}
	if !strings.Contains(warn.String(), "keepalive: not validated with ssh -G: ") {
		t.Errorf("no note that the edit was not validated: %q", warn.String())
	}
	if b, _ := os.ReadFile(cfg); !strings.Contains(string(b), "ServerAliveInterval 60") {
		t.Errorf("config not edited:\n%s", b)
	}
}

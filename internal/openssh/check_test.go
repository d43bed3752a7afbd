package openssh

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/keepalive-ssh/keepalive/internal/sshconf"
	"github.com/keepalive-ssh/keepalive/internal/sshdtest"
	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

func TestServerParseProblems(t *testing.T) {
	out := `Unable to load host key: /etc/ssh/ssh_host_rsa_key
/etc/ssh/sshd_config: line 3: Bad configuration option: FooBar
/etc/ssh/sshd_config.d/a.conf line 2: ClientAliveCountMax integer value invalid.
/etc/ssh/sshd_config: terminating, 1 bad configuration options
Unsupported KEX algorithm "x"
Missing privilege separation directory: /run/sshd
`
	got := parseProblems(out)
	want := []Problem{
		{"/etc/ssh/sshd_config", 3, "Bad configuration option: FooBar"},
		{"/etc/ssh/sshd_config.d/a.conf", 2, "ClientAliveCountMax integer value invalid."},
		{"", 0, `Unsupported KEX algorithm "x"`},
	}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("problem %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if got[0].String() != "/etc/ssh/sshd_config:3: Bad configuration option: FooBar" {
		t.Errorf("String() = %q", got[0].String())
	}
	if p := parseProblems("sshd: no hostkeys available -- exiting.\n"); len(p) != 0 {
		t.Errorf("a missing host key is not a config problem: %v", p)
	}
}

func checker(t *testing.T) *Checker {
	t.Helper()
	bin := testenv.Tool(t, "sshd")
	c, err := NewChecker(bin)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A valid config whose host keys are missing (a container, a chroot, a
// mounted image) is valid: the throwaway key stands in for them.
func TestServerCheckMissingHostKey(t *testing.T) {
	c := checker(t)
	cfg := filepath.Join(t.TempDir(), "sshd_config")
	write(t, cfg, "HostKey /nonexistent/ssh_host_ed25519_key\nClientAliveInterval 30\n")
	if err := c.Test(cfg); err != nil {
		t.Fatalf("Test: %v", err)
	}
	vals, err := c.Dump(cfg, "")
	if errors.Is(err, ErrUnavailable) {
		testenv.Unavailable(t, "sshd -T cannot print here (no /run/sshd?)")
	}
	if err != nil || vals.Get("clientaliveinterval") != "30" {
		t.Fatalf("Dump: %v, clientaliveinterval %q", err, vals.Get("clientaliveinterval"))
	}
}

func TestServerCheckRejects(t *testing.T) {
	c := checker(t)
	cfg := filepath.Join(t.TempDir(), "sshd_config")
	write(t, cfg, "Port 22\nClientAliveInterval 5x\n")
	err := c.Test(cfg)
	var rej *Rejected
	if !errors.As(err, &rej) || len(rej.Problems) == 0 {
		t.Fatalf("Test = %v, want a *Rejected", err)
	}
	if p := rej.Problems[0]; p.File != cfg || p.Line != 2 {
		t.Fatalf("problem %+v, want %s line 2", p, cfg)
	}
}

// The copy follows the tree's own Includes (absolute, relative, under a
// root), not the machine's /etc/ssh, and complaints name the real files.
func TestServerCheckTree(t *testing.T) {
	c := checker(t)
	root := t.TempDir()
	etc := filepath.Join(root, "etc", "ssh")
	main := filepath.Join(etc, "sshd_config")
	good := filepath.Join(etc, "sshd_config.d", "10-good.conf")
	rel := filepath.Join(etc, "extra.conf")
	tr := Tree{Main: main, Root: root, Files: map[string]*sshconf.File{
		main: sshconf.Parse([]byte("Include /etc/ssh/sshd_config.d/*.conf\r\nInclude extra.conf\r\nClientAliveInterval 1\r\n")),
		good: sshconf.Parse([]byte("ClientAliveInterval 42\n")),
		rel:  sshconf.Parse([]byte("ClientAliveCountMax 7\n")),
	}}
	if err := c.TestTree(tr); err != nil {
		t.Fatalf("TestTree: %v", err)
	}
	vals, err := c.DumpTree(tr, "")
	if errors.Is(err, ErrUnavailable) {
		testenv.Unavailable(t, "sshd -T cannot print here (no /run/sshd?)")
	}
	if err != nil || vals.Get("clientaliveinterval") != "42" || vals.Get("clientalivecountmax") != "7" {
		t.Fatalf("DumpTree: %v, interval %q count %q; want the drop-in's 42 and extra.conf's 7", err, vals.Get("clientaliveinterval"), vals.Get("clientalivecountmax"))
	}
	bad := filepath.Join(etc, "sshd_config.d", "20-bad.conf")
	tr.Files[bad] = sshconf.Parse([]byte("# broken\nKexAlgorithms no-such-kex\n"))
	err = c.TestTree(tr)
	var rej *Rejected
	if !errors.As(err, &rej) {
		t.Fatalf("TestTree = %v, want a *Rejected", err)
	}
	for _, p := range rej.Problems {
		if p.Pos() != bad+":2" {
			t.Errorf("problem %q, want it at %s:2", p, bad)
		}
	}
	if strings.Contains(err.Error(), "keepalive-sshd-") {
		t.Errorf("error names the temporary copy: %v", err)
	}
}

func TestServerReloadSIGHUP(t *testing.T) {
	srv := sshdtest.Prepare(t, "")
	srv.Start(t)
	noSystemd := filepath.Join(t.TempDir(), "no-systemd")

	pidFile := filepath.Join(srv.Dir, "sshd.pid")
	deadline := time.Now().Add(5 * time.Second)
	for !fileHas(pidFile) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	r := FindReloadIn(noSystemd, pidFile)
	if r.Pid != srv.Pid() || r.Command() != "kill -HUP "+strconv.Itoa(srv.Pid()) {
		t.Fatalf("FindReload = %+v, want pid %d", r, srv.Pid())
	}
	if err := r.Do(); err != nil {
		t.Fatal(err)
	}
	if !srv.WaitLog("Received SIGHUP", 5*time.Second) {
		t.Fatalf("sshd did not log the SIGHUP:\n%s", srv.Log())
	}

	// A stale PidFile, or one naming another program, is no running sshd.
	other := filepath.Join(t.TempDir(), "other.pid")
	write(t, other, strconv.Itoa(os.Getpid())+"\n")
	if r := FindReloadIn(noSystemd, other); r.Running() {
		t.Errorf("FindReload(test process) = %+v, want not running", r)
	}
	if r := FindReloadIn(noSystemd, filepath.Join(t.TempDir(), "missing.pid")); r.Running() || r.Command() != "" {
		t.Errorf("FindReload(missing) = %+v", r)
	}
}

func fileHas(p string) bool {
	b, err := os.ReadFile(p)
	return err == nil && len(strings.TrimSpace(string(b))) > 0
}

//go:build linux

package cli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/keepalive-ssh/keepalive/internal/openssh"
	"github.com/keepalive-ssh/keepalive/internal/sshdtest"
	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// TestServerScratchEtcSSH runs keepalive with its defaults, no --file and
// no --root, on a scratch /etc/ssh: as root, the test re-executes itself
// in a private mount namespace where a temporary directory is
// bind-mounted over /etc/ssh, and asks the real sshd -T there.
func TestServerScratchEtcSSH(t *testing.T) {
	if os.Getenv("KEEPALIVE_SCRATCH_ETC_SSH") == "1" {
		srvScratchEtcSSH(t)
		return
	}
	srvNeedSandbox(t)
	unshare := testenv.Tool(t, "unshare")
	cmd := exec.Command(unshare, "--mount", "--propagation", "private", os.Args[0], "-test.run", "^TestServerScratchEtcSSH$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), "KEEPALIVE_SCRATCH_ETC_SSH=1", "KEEPALIVE_FIXTURES="+srvFixtures(t))
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestServerScratchEtcSSH") {
		t.Fatalf("in the namespace: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

func srvScratchEtcSSH(t *testing.T) {
	scratch := t.TempDir()
	if err := unix.Mount(scratch, "/etc/ssh", "", unix.MS_BIND, ""); err != nil {
		t.Fatalf("bind %s over /etc/ssh: %v", scratch, err)
	}
	defer unix.Unmount("/etc/ssh", unix.MNT_DETACH)
	hk, err := openssh.NewHostKey("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hk.Close() })
	key := hk.Path
	real := func(conn string) openssh.Config {
		cfg, err := openssh.SSHD(context.Background(), openssh.SSHDQuery{HostKey: key, Conn: conn})
		if err != nil {
			t.Fatalf("sshd -T: %v", err)
		}
		return cfg
	}
	fix := os.Getenv("KEEPALIVE_FIXTURES")
	for _, fixture := range []string{"debian-pristine", "debian-dropin", "sftp-chroot", "windows-crlf", "keyvalue-lowercase", "rejected"} {
		t.Run(fixture, func(t *testing.T) {
			entries, _ := os.ReadDir("/etc/ssh")
			for _, e := range entries {
				os.RemoveAll(filepath.Join("/etc/ssh", e.Name()))
			}
			srvEtc(t, "/", filepath.Join(fix, fixture))
			before := srvSnapshot(t, "/etc/ssh")
			code, out, errs := srvRun("server", "--interval", "1m", "--count", "4")
			if fixture == "rejected" {
				if code != exitFailure || !strings.Contains(errs, "/etc/ssh/sshd_config:3: ") || !srvSameFiles(before, srvSnapshot(t, "/etc/ssh")) {
					t.Fatalf("exit %d: %s", code, errs)
				}
				return
			}
			if code != 0 || !strings.HasPrefix(out, "changed /etc/ssh/sshd_config") {
				t.Fatalf("exit %d: %s%s", code, out, errs)
			}
			if c := real(""); c.Get("clientaliveinterval") != "60" || c.Get("clientalivecountmax") != "4" {
				t.Fatalf("sshd -T: %q %q", c.Get("clientaliveinterval"), c.Get("clientalivecountmax"))
			}
			after := srvSnapshot(t, "/etc/ssh")
			if code, out, _ := srvRun("server", "--interval", "60", "--count", "4"); code != 0 || !strings.HasPrefix(out, "already set") || !srvSameFiles(after, srvSnapshot(t, "/etc/ssh")) {
				t.Fatalf("second run: exit %d %s", code, out)
			}
			if code, out, errs := srvRun("disable", "--server"); code != 0 {
				t.Fatalf("disable: exit %d: %s%s", code, out, errs)
			}
			restored := srvSnapshot(t, "/etc/ssh")
			for path, data := range before {
				if !srvHasClientAlive(data) && restored[path] != data {
					t.Errorf("disable did not restore %s", path)
				}
			}
			// Read-only: refused before anything is touched, with a hint.
			if err := unix.Mount("", "/etc/ssh", "", unix.MS_REMOUNT|unix.MS_BIND|unix.MS_RDONLY, ""); err != nil {
				t.Fatalf("remount read-only: %v", err)
			}
			defer unix.Mount("", "/etc/ssh", "", unix.MS_REMOUNT|unix.MS_BIND, "")
			if code, _, errs := srvRun("server", "--interval", "61"); code != exitFailure || !strings.Contains(errs, "cannot write /etc/ssh/sshd_config") || !strings.Contains(errs, "hint: ") {
				t.Fatalf("read-only: exit %d: %s", code, errs)
			}
		})
	}
}

// Without permission to write, server fails before touching anything and
// says to use sudo: run as nobody, in a copy of the test binary.
func TestServerNeedsSudo(t *testing.T) {
	if args := os.Getenv("KEEPALIVE_SERVER_HELPER"); args != "" {
		os.Exit(Main(strings.Split(args, "\x1f"), SystemStreams()))
	}
	testenv.Root(t)
	dir, err := os.MkdirTemp("", "keepalive-sudo-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755) // nobody must reach the binary, not write here
	bin := filepath.Join(dir, "cli.test")
	self, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, self, 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "sshd_config")
	os.WriteFile(cfg, []byte("Port 22\n"), 0o644)
	for _, args := range [][]string{{"server", "--file", cfg}, {"server", "--file", cfg, "--no-validate"}, {"disable", "--server", "--file", cfg}} {
		cmd := exec.Command(bin, "-test.run", "^TestServerNeedsSudo$")
		cmd.Env = append(os.Environ(), "KEEPALIVE_SERVER_HELPER="+strings.Join(args, "\x1f"))
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		ee, ok := err.(*exec.ExitError)
		if !ok || ee.ExitCode() != exitFailure || !strings.Contains(stderr.String(), "keepalive: hint: run with sudo") {
			t.Errorf("%v as nobody: %v, %s; want exit 1 with the sudo hint", args, err, stderr.String())
		}
	}
	if b, _ := os.ReadFile(cfg); string(b) != "Port 22\n" {
		t.Fatalf("config changed: %q", b)
	}
}

// TestServerLive is the server's promise end to end: after `keepalive
// server --interval 1 --count 2`, a real sshd drops a real client that
// was frozen with SIGSTOP, logging "Timeout, client not responding",
// within a few seconds.
func TestServerLive(t *testing.T) {
	ssh := testenv.Tool(t, "ssh")
	srv := sshdtest.Prepare(t, "")
	if code, out, errs := srvRun("server", "--file", srv.Config, "--interval", "1", "--count", "2"); code != 0 {
		t.Fatalf("server: exit %d: %s%s", code, out, errs)
	}
	if b, _ := os.ReadFile(srv.Config); !strings.Contains(string(b), "\nClientAliveInterval 1\n# keepalive: added \"ClientAliveCountMax 2\"\nClientAliveCountMax 2\n") {
		t.Fatalf("config:\n%s", b)
	}
	srv.Start(t)

	cfg := filepath.Join(t.TempDir(), "ssh_config")
	os.WriteFile(cfg, []byte("ServerAliveInterval 0\nTCPKeepAlive no\n"), 0o600)
	cmd := srv.Connect(t, ssh, cfg).Cmd
	if err := cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	// sshd checks on a client after a second without news from it, on a
	// clock of whole seconds, and gives up at the third unanswered check:
	// about 3 to 6 seconds (10 allows for a loaded machine).
	start := time.Now()
	if !srv.WaitLog("Timeout, client not responding", 10*time.Second) {
		t.Fatalf("sshd did not drop the frozen client within 10s:\n%s", srv.Log())
	}
	t.Logf("sshd dropped the frozen client after %v", time.Since(start).Round(100*time.Millisecond))
}

// --reload makes the running sshd read the new config (SIGHUP to the pid
// in the PidFile that sshd -T reports); without it keepalive says how.
func TestServerReload(t *testing.T) {
	srv := sshdtest.Prepare(t, "")
	srv.Start(t)
	m := SystemMachine()
	noSystemd := filepath.Join(t.TempDir(), "no-systemd") // never the machine's own sshd
	m.FindReload = func(pidFile string) openssh.Reload { return openssh.FindReloadIn(noSystemd, pidFile) }
	pid := strconv.Itoa(srv.Pid())
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if b, _ := os.ReadFile(filepath.Join(srv.Dir, "sshd.pid")); strings.TrimSpace(string(b)) == pid {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}

	code, _, errs := srvRunOn(m, "server", "--file", srv.Config, "--interval", "7")
	if code != 0 || !strings.Contains(errs, "run `kill -HUP "+pid+"` (or pass --reload)") {
		t.Fatalf("without --reload: exit %d: %s", code, errs)
	}
	if strings.Contains(srv.Log(), "Received SIGHUP") {
		t.Fatal("sshd was reloaded without --reload")
	}
	code, out, errs := srvRunOn(m, "server", "--file", srv.Config, "--interval", "7", "--reload")
	if code != 0 || !strings.HasPrefix(out, "already set") || !strings.Contains(errs, "reloaded sshd (kill -HUP "+pid+")") {
		t.Fatalf("--reload: exit %d: %s%s", code, out, errs)
	}
	if !srv.WaitLog("Received SIGHUP", 5*time.Second) {
		t.Fatalf("sshd did not get SIGHUP:\n%s", srv.Log())
	}
}

// An edit sshd would reject is never put in place: here a stand-in sshd
// accepts the current file and rejects any file with the new line.
func TestServerRefusesRejectedCandidate(t *testing.T) {
	dir := t.TempDir()
	fake := filepath.Join(dir, "sshd")
	script := "#!/bin/sh\n# sshd -t -f FILE -h KEY\nif grep -q 'ClientAliveCountMax 2' \"$3\"; then echo \"$3 line 9: Bad ClientAliveCountMax\" >&2; exit 255; fi\nexit 0\n"
	if err := os.WriteFile(fake, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	m := SystemMachine()
	m.FindProgram = func(string) (string, error) { return fake, nil }
	cfg := filepath.Join(dir, "sshd_config")
	os.WriteFile(cfg, []byte("Port 22\n"), 0o644)
	code, out, errs := srvRunOn(m, "server", "--file", cfg)
	if code != exitFailure || !strings.Contains(errs, "sshd would reject the edited config") || !strings.Contains(errs, cfg+":9: Bad ClientAliveCountMax") {
		t.Fatalf("exit %d: %s%s", code, out, errs)
	}
	if b, _ := os.ReadFile(cfg); string(b) != "Port 22\n" {
		t.Fatalf("config changed: %q", b)
	}
}

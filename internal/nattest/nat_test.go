//go:build linux

package nattest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keepalive-ssh/keepalive/internal/probe"
	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// natTimeout is the router's idle timeout in seconds: an idle session of
// nine seconds is forgotten, a keep-alive every two seconds keeps it.
const natTimeout = 4

// serverNATTimeout is the router's timeout for the server scenario. sshd
// (measured with OpenSSH 9.2) sends its keep-alive only after
// ClientAliveInterval has passed twice without a word from the client, so
// ClientAliveInterval 2 puts four seconds between packets: exactly a 4 s
// router's timeout, which then forgets the flow. A 5 s router is the
// smallest that ClientAliveInterval 2 provably beats.
const serverNATTimeout = 5

// TestNAT runs each scenario in a NAT lab of its own, all in parallel
// (with TestNATProbe too).
func TestNAT(t *testing.T) {
	t.Parallel()
	tools(t)
	t.Run("control", testControl)
	t.Run("client", testClient)
	t.Run("server", testServer)
	t.Run("putty", testPutty)
}

// sshIdle runs the idle command with the lab's client config.
func (l *lab) sshIdle(t *testing.T, extra ...string) session {
	t.Helper()
	args := append([]string{"ssh", "-F", l.sshConfig}, extra...)
	return l.runIdle(t, nil, sessionLimit, append(args, sshHost, idleCommand)...)
}

// effective returns the value of keyword as `ssh -G` or `sshd -T` prints it.
func effective(t *testing.T, out, keyword string) string {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(line, " "); ok && k == keyword {
			return strings.TrimSpace(v)
		}
	}
	t.Fatalf("%s not in:\n%s", keyword, out)
	return ""
}

// testControl: without any keep-alive, a session idle for longer than the
// router's timeout never hears back. It also proves the lab itself: the
// session logged in, a short idle comes back, and so does a long one with
// keep-alives set by hand (`ssh -o ServerAliveInterval=2`, run alongside),
// so a failure of the other scenarios is keepalive's, not the lab's.
func testControl(t *testing.T) {
	t.Parallel()
	l := newLab(t, "control", natTimeout)
	l.startSSHD(t)
	if v := effective(t, run(t, "ssh", "-G", "-F", l.sshConfig, sshHost), "serveraliveinterval"); v != "0" {
		t.Fatalf("client ServerAliveInterval is %s, want 0", v)
	}
	// The three sessions share the lab, each on a TCP connection of its
	// own, and run at once to keep the test short.
	var short, byHand session
	var wg sync.WaitGroup
	wg.Go(func() {
		short = l.runIdle(t, nil, sessionLimit, "ssh", "-F", l.sshConfig, sshHost, "echo ready; sleep 1; echo alive")
	})
	wg.Go(func() { byHand = l.sshIdle(t, "-o", "ServerAliveInterval=2") })
	s := l.sshIdle(t)
	wg.Wait()
	if !short.alive {
		l.diagnostics(t)
		t.Fatalf("a 1 s idle session did not come back, the lab is broken:\n%s", short.out)
	}
	if !s.ready {
		l.diagnostics(t)
		t.Fatalf("the session did not log in:\n%s", s.out)
	}
	if s.alive {
		l.diagnostics(t)
		t.Fatalf("without keep-alives a 9 s idle session came back through a %d s NAT: the NAT does not forget idle flows", natTimeout)
	}
	if !byHand.alive {
		l.diagnostics(t)
		t.Fatalf("with ssh -o ServerAliveInterval=2 the idle session did not come back, the lab is broken:\n%s", byHand.out)
	}
}

// testClient: `keepalive enable --interval 2` on the client's config.
func testClient(t *testing.T) {
	t.Parallel()
	l := newLab(t, "client", natTimeout)
	l.startSSHD(t)
	keepalive(t, nil, "enable", "--file", l.sshConfig, "--interval", "2")
	if v := effective(t, run(t, "ssh", "-G", "-F", l.sshConfig, sshHost), "serveraliveinterval"); v != "2" {
		b, _ := os.ReadFile(l.sshConfig)
		t.Fatalf("after enable, ssh -G says ServerAliveInterval %s, want 2; the config:\n%s", v, b)
	}
	if s := l.sshIdle(t); !s.alive {
		l.diagnostics(t)
		t.Fatalf("after keepalive enable --interval 2 the idle session did not come back:\n%s", s.out)
	}
}

// testServer: `keepalive server --interval 2` on sshd_config, sshd
// restarted from it, the client without keep-alives.
func testServer(t *testing.T) {
	t.Parallel()
	l := newLab(t, "server", serverNATTimeout)
	l.startSSHD(t)
	keepalive(t, nil, "server", "--file", l.sshdConfig, "--interval", "2")
	if v := effective(t, run(t, testenv.Tool(t, "sshd"), "-T", "-f", l.sshdConfig), "clientaliveinterval"); v != "2" {
		b, _ := os.ReadFile(l.sshdConfig)
		t.Fatalf("after keepalive server, sshd -T says ClientAliveInterval %s, want 2; the config:\n%s", v, b)
	}
	l.restartSSHD(t)
	if s := l.sshIdle(t); !s.alive {
		l.diagnostics(t)
		t.Fatalf("after keepalive server --interval 2 the idle session did not come back:\n%s", s.out)
	}
}

// testPutty: `keepalive putty --interval 2` on a saved session in a
// scratch home, then plink -load.
func testPutty(t *testing.T) {
	t.Parallel()
	paths := tools(t, "plink", "puttygen")
	l := newLab(t, "putty", natTimeout)
	l.startSSHD(t)
	home := filepath.Join(l.dir, "home")
	sessions := filepath.Join(home, ".putty", "sessions")
	if err := os.MkdirAll(sessions, 0o700); err != nil {
		t.Fatal(err)
	}
	ppk := filepath.Join(l.dir, "client.ppk")
	run(t, paths["puttygen"], l.clientKey, "-O", "private", "-o", ppk)
	// As PuTTY saves a session: every setting, keep-alives off.
	write(t, filepath.Join(sessions, puttySession), fmt.Sprintf(`HostName=%s
PortNumber=22
Protocol=ssh
UserName=root
PublicKeyFile=%s
PingInterval=0
PingIntervalSecs=0
TCPKeepalives=0
`, serverAddr, ppk))
	// HOME decides where PuTTY and keepalive look; PUTTYDIR would win.
	env := []string{"HOME=" + home, "PUTTYDIR"}
	keepalive(t, env, "putty", "--interval", "2")
	b, _ := os.ReadFile(filepath.Join(sessions, puttySession))
	fp := strings.Fields(run(t, "ssh-keygen", "-l", "-E", "sha256", "-f", l.hostKey+".pub"))[1]
	s := l.runIdle(t, env, sessionLimit, paths["plink"], "-batch", "-hostkey", fp, "-load", puttySession, idleCommand)
	if !s.alive {
		l.diagnostics(t)
		t.Fatalf("after keepalive putty --interval 2 the idle plink session did not come back:\n%s\nthe session file:\n%s", s.out, b)
	}
}

// TestNATProbe: keepalive probe behind the 4 s router finds the timeout
// between the last step below 4 s and the next one, recommends less than
// 4 s, stops early and leaves no ssh behind. It is a test of its own so
// that -run Probe picks it with the probe's unit tests.
func TestNATProbe(t *testing.T) {
	t.Parallel()
	tools(t)
	l := newLab(t, "probe", natTimeout)
	l.startSSHD(t)
	const max = 20 * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res := runInNS(ctx, l.client, nil, keepaliveBin, "probe", sshHost, "--max", "20s", "--json", "--", "-F", l.sshConfig)
	t.Logf("keepalive probe: %v after %v", res.err, res.elapsed.Round(100*time.Millisecond))
	if res.err != nil {
		l.diagnostics(t)
		t.Fatalf("keepalive probe: %v\n%s%s", res.err, res.out, res.stderr)
	}
	var got struct {
		TimeoutFound bool    `json:"timeout_found"`
		Survived     float64 `json:"survived_seconds"`
		Dropped      float64 `json:"dropped_seconds"`
		Recommended  int     `json:"recommended_interval_seconds"`
		Command      string  `json:"command"`
		Elapsed      float64 `json:"elapsed_seconds"`
	}
	if err := json.Unmarshal([]byte(res.out), &got); err != nil {
		t.Fatalf("probe output is not JSON: %v\n%s", err, res.out)
	}
	t.Logf("probe: between %vs and %vs, recommends %ds", got.Survived, got.Dropped, got.Recommended)
	plan := probe.Plan(max)
	next := slices.Index(plan, time.Duration(got.Survived)*time.Second) + 1
	switch {
	case !got.TimeoutFound:
		t.Errorf("no timeout found behind a %d s NAT:\n%s", natTimeout, res.out)
	case got.Survived > natTimeout || got.Dropped < natTimeout:
		t.Errorf("timeout found between %vs and %vs, which does not hold %ds:\n%s", got.Survived, got.Dropped, natTimeout, res.out)
	case next == 0 || next >= len(plan) || plan[next] != time.Duration(got.Dropped)*time.Second:
		t.Errorf("bounds %vs and %vs are not neighbouring steps of %v", got.Survived, got.Dropped, plan)
	}
	if got.Recommended < 1 || got.Recommended >= natTimeout {
		t.Errorf("recommended interval %ds, want 1 to %ds", got.Recommended, natTimeout-1)
	}
	if want := fmt.Sprintf("keepalive enable --host %s --interval %d", sshHost, got.Recommended); got.Command != want {
		t.Errorf("command = %q, want %q", got.Command, want)
	}
	if got.Elapsed >= max.Seconds() {
		t.Errorf("the probe took %vs: it should stop once a short idle dropped", got.Elapsed)
	}
	if pids, _ := exec.Command("ip", "netns", "pids", l.client).Output(); len(strings.TrimSpace(string(pids))) > 0 {
		t.Errorf("processes left in the client namespace after the probe: %s", pids)
	}
}

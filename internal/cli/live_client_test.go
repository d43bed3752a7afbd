//go:build linux

package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/keepalive-ssh/keepalive/internal/sshdtest"
	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// TestLiveClientTimeout is the client's promise end to end: after
// `keepalive enable --interval 1 --count 2`, a real ssh connected to a real
// sshd whose processes are then frozen with SIGSTOP gives up with
// "Timeout, server ... not responding" within about three seconds.
func TestLiveClientTimeout(t *testing.T) {
	ssh := testenv.Tool(t, "ssh")
	srv := sshdtest.Prepare(t, "ClientAliveInterval 0\n")
	srv.Start(t)

	cfg := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(cfg, []byte("Host *\n    TCPKeepAlive no\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := Main([]string{"enable", "--file", cfg, "--interval", "1", "--count", "2"}, Streams{Out: &out, Err: &errb}); code != 0 {
		t.Fatalf("enable: exit %d: %s%s", code, out.String(), errb.String())
	}

	sess := srv.Connect(t, ssh, cfg)
	cmd := sess.Cmd

	frozen := freezeTree(t, srv.Pid())
	start := time.Now()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		t.Fatalf("ssh still connected 15s after the server froze (%d processes): keep-alives are not working", frozen)
	}
	took := time.Since(start)
	if !strings.Contains(sess.Stderr(), "Timeout, server") || !strings.Contains(sess.Stderr(), "not responding") {
		t.Fatalf("ssh ended without the keep-alive timeout message after %v: %q", took, sess.Stderr())
	}
	if took > 5*time.Second {
		t.Fatalf("ssh gave up after %v, want about 3s (interval 1, count 2)", took)
	}
	t.Logf("ssh gave up %v after the server froze: %s", took.Round(100*time.Millisecond), strings.TrimSpace(sess.Stderr()))
}

// freezeTree sends SIGSTOP to pid and all its descendants, and SIGCONT at
// cleanup so they can be killed. It returns how many it froze.
func freezeTree(t *testing.T, pid int) int {
	pids := append(descendants(pid), pid)
	for _, p := range pids {
		syscall.Kill(p, syscall.SIGSTOP)
	}
	t.Cleanup(func() {
		for _, p := range pids {
			syscall.Kill(p, syscall.SIGCONT)
			syscall.Kill(p, syscall.SIGKILL)
		}
	})
	return len(pids)
}

// descendants lists the processes below pid, from /proc.
func descendants(pid int) []int {
	children := map[int][]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may contain spaces, so split after ')'.
		fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(fields) > 1 {
			if ppid, err := strconv.Atoi(fields[1]); err == nil {
				children[ppid] = append(children[ppid], p)
			}
		}
	}
	var out []int
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			out = append(out, c)
			queue = append(queue, c)
		}
	}
	return out
}

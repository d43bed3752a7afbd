//go:build linux

package cli

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
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

	cmd := exec.Command(ssh, append(srv.SSHArgs(cfg), "echo ready; sleep 60")...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	ready := make(chan bool, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		ready <- strings.TrimSpace(line) == "ready"
	}()
	select {
	case ok := <-ready:
		if !ok {
			t.Fatalf("session did not start: %s\nsshd log:\n%s", stderr.String(), srv.Log())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("session did not start in 15s: %s", stderr.String())
	}

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
	if !strings.Contains(stderr.String(), "Timeout, server") || !strings.Contains(stderr.String(), "not responding") {
		t.Fatalf("ssh ended without the keep-alive timeout message after %v: %q", took, stderr.String())
	}
	if took > 5*time.Second {
		t.Fatalf("ssh gave up after %v, want about 3s (interval 1, count 2)", took)
	}
	t.Logf("ssh gave up %v after the server froze: %s", took.Round(100*time.Millisecond), strings.TrimSpace(stderr.String()))
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

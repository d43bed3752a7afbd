//go:build unix

package probe

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// testdata/fakessh stands in for ssh so the probe's logic is tested without a
// network. It runs the remote command locally, except that a session idle
// for FAKE_TIMEOUT seconds or more behaves as behind a NAT that forgot the
// connection: it prints the start marker and hangs (with a child in its
// process group, as a ProxyCommand would be) or, with FAKE_RESET, dies as
// ssh does on a reset connection. FAKE_FAIL makes it fail to log in,
// FAKE_KEEPALIVE logs a keep-alive from the server as ssh -v does,
// FAKE_DIR receives its arguments and the pids it started. The script is in
// testdata so that the cli tests use it too.
//
// writeFakeSSH puts the fake ssh in a temporary directory and sets its
// environment for the test.
func writeFakeSSH(t *testing.T, env map[string]string) string {
	t.Helper()
	script, err := os.ReadFile("testdata/fakessh")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ssh")
	if err := os.WriteFile(path, script, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"FAKE_TIMEOUT", "FAKE_RESET", "FAKE_FAIL", "FAKE_KEEPALIVE", "FAKE_DIR"} {
		t.Setenv(k, env[k])
	}
	return path
}

// alive reports whether pid is a process that has not exited (a zombie
// waiting for a reaper has exited).
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true // no /proc: trust kill
	}
	// The state follows the parenthesised command name.
	f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	return len(f) == 0 || f[0] != "Z"
}

// exits reports whether pid exits within a second: SIGKILL is sent to a
// whole process group at once, but each member dies in its own time.
func exits(pid int) bool {
	for range 100 {
		if !alive(pid) {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}

// recordedPids returns the pids the fake ssh wrote to dir.
func recordedPids(t *testing.T, dir string) []int {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "pid.*"))
	var pids []int
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		pids = append(pids, pid)
	}
	return pids
}

// ms is shorthand for the sub-second steps the fake ssh allows.
func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

// fastGrace keeps the tests short: a fake ssh answers at once.
func fastGrace(time.Duration) time.Duration { return 300 * time.Millisecond }

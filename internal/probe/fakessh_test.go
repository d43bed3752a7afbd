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

// fakeSSH stands in for ssh so the probe's logic is tested without a
// network. It runs the remote command locally, except that a session idle
// for FAKE_TIMEOUT seconds or more behaves as behind a NAT that forgot the
// connection: it prints the start marker and hangs (with a child in its
// process group, as a ProxyCommand would be) or, with FAKE_RESET, dies as
// ssh does on a reset connection. FAKE_FAIL makes it fail to log in,
// FAKE_KEEPALIVE logs a keep-alive from the server as ssh -v does,
// FAKE_DIR receives its arguments and the pids it started.
const fakeSSH = `#!/bin/sh
for a; do cmd=$a; done
if [ -n "$FAKE_DIR" ]; then
	printf '%s\n' "$@" > "$FAKE_DIR/args.$$"
fi
echo "OpenSSH_9.9p1, fake" >&2
if [ -n "$FAKE_FAIL" ]; then
	echo "debug1: Connecting to host" >&2
	echo "$FAKE_FAIL" >&2
	exit 255
fi
idle=$(printf '%s\n' "$cmd" | sed -n 's/.*sleep \([0-9.]*\);.*/\1/p')
if [ -n "$FAKE_KEEPALIVE" ]; then
	echo "debug1: client_input_global_request: rtype keepalive@openssh.com want_reply 1" >&2
fi
if awk -v i="$idle" -v t="${FAKE_TIMEOUT:-1000000}" 'BEGIN { exit !(i >= t) }'; then
	echo keepalive-probe-start
	if [ -n "$FAKE_RESET" ]; then
		sleep "$idle"
		echo "Connection reset by 10.0.0.1 port 22" >&2
		exit 255
	fi
	sleep 300 >/dev/null 2>&1 &
	if [ -n "$FAKE_DIR" ]; then
		echo $! > "$FAKE_DIR/pid.child.$$"
		echo $$ > "$FAKE_DIR/pid.ssh.$$"
	fi
	exec sleep 300
fi
exec sh -c "$cmd"
`

// writeFakeSSH puts the fake ssh in a temporary directory and sets its
// environment for the test.
func writeFakeSSH(t *testing.T, env map[string]string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ssh")
	if err := os.WriteFile(path, []byte(fakeSSH), 0o755); err != nil {
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

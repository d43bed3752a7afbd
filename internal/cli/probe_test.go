//go:build unix

package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fakeSSH installs the probe package's fake ssh (see
// internal/probe/fakessh_test.go for what it does) with env written into
// the script, so that tests using it can run in parallel.
func fakeSSH(t *testing.T, env map[string]string) string {
	t.Helper()
	script, err := os.ReadFile("../probe/testdata/fakessh")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("#!/bin/sh\n")
	for _, k := range []string{"FAKE_TIMEOUT", "FAKE_RESET", "FAKE_FAIL", "FAKE_KEEPALIVE", "FAKE_DIR"} {
		fmt.Fprintf(&b, "%s='%s'; export %s\n", k, env[k], k)
	}
	b.Write(script)
	path := filepath.Join(t.TempDir(), "ssh")
	if err := os.WriteFile(path, []byte(b.String()), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestProbeUsage(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"probe"}, "one HOST"},
		{[]string{"probe", "a", "b"}, "one HOST"},
		{[]string{"probe", "h", "--max", "4s"}, `invalid --max "4s"`},
		{[]string{"probe", "h", "--max", "5h"}, "from 5s to 4h"},
		{[]string{"probe", "h", "--max", "soon"}, "from 5s to 4h"},
		{[]string{"probe", "h", "--max", "0"}, "--max"},
		{[]string{"probe", "h", "--ssh", ""}, "--ssh"},
		{[]string{"probe", "h", "--bogus"}, "unknown flag"},
	} {
		var out, errb bytes.Buffer
		code := Main(tt.args, Streams{Out: &out, Err: &errb})
		if code != exitUsage || !strings.Contains(errb.String(), tt.want) {
			t.Errorf("%q: exit %d, stderr %q; want exit 2 and %q", tt.args, code, errb.String(), tt.want)
		}
	}
}

// TestProbeJSON runs the whole command against a fake ssh behind a
// "2.5 s NAT": 2s comes back, 3s drops, and the probe stops there.
func TestProbeJSON(t *testing.T) {
	t.Parallel()
	ssh := fakeSSH(t, map[string]string{"FAKE_TIMEOUT": "2.5"})
	var out, errb bytes.Buffer
	code := Main([]string{"probe", "--max", "5s", "--json", "--ssh", ssh, "myhost", "--", "-p", "2222"}, Streams{Out: &out, Err: &errb})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var got struct {
		TimeoutFound bool     `json:"timeout_found"`
		Survived     float64  `json:"survived_seconds"`
		Dropped      float64  `json:"dropped_seconds"`
		Recommended  int      `json:"recommended_interval_seconds"`
		Command      string   `json:"command"`
		Notes        []string `json:"notes"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v:\n%s", err, out.String())
	}
	if !got.TimeoutFound || got.Survived != 2 || got.Dropped != 3 || got.Recommended != 1 ||
		got.Command != "keepalive enable --host myhost --interval 1" {
		t.Errorf("result = %+v", got)
	}
	if errb.Len() != 0 {
		t.Errorf("--json wrote progress lines to a non-terminal stderr:\n%s", errb.String())
	}
}

func TestProbeText(t *testing.T) {
	t.Parallel()
	ssh := fakeSSH(t, map[string]string{"FAKE_TIMEOUT": "2.5"})
	var out, errb bytes.Buffer
	code := Main([]string{"probe", "--max", "5s", "--ssh", ssh, "me@myhost"}, Streams{Out: &out, Err: &errb})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{
		"forgets an idle SSH connection after between 2s and 3s",
		"keepalive enable --host myhost --interval 1",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, out.String())
		}
	}
	if !strings.Contains(errb.String(), "2s idle: came back") {
		t.Errorf("no progress on stderr:\n%s", errb.String())
	}
}

// TestProbeInterrupt sends the test process SIGINT, as Ctrl-C would, while
// every session hangs: the command closes them all, ssh's children too,
// prints the partial result and fails. It must not run in parallel with
// another probe, which would take the signal as well.
func TestProbeInterrupt(t *testing.T) {
	dir := t.TempDir()
	ssh := fakeSSH(t, map[string]string{"FAKE_TIMEOUT": "0", "FAKE_DIR": dir})
	go func() {
		// The fake ssh records its pid only once it runs, which is after
		// the command took over SIGINT; until then the signal would end
		// the test binary.
		for range 200 {
			if m, _ := filepath.Glob(filepath.Join(dir, "pid.ssh.*")); len(m) == 4 {
				syscall.Kill(os.Getpid(), syscall.SIGINT)
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	var out, errb bytes.Buffer
	start := time.Now()
	code := Main([]string{"probe", "--max", "5s", "--json", "--ssh", ssh, "h"}, Streams{Out: &out, Err: &errb})
	if took := time.Since(start); took > 4*time.Second {
		// The 2s session's deadline is at 4s: past it, the probe ended
		// without the signal.
		t.Fatalf("probe took %v, the interrupt did not stop it", took)
	}
	if code != exitFailure || !strings.Contains(errb.String(), "interrupted") {
		t.Errorf("exit %d, stderr %q; want 1 and interrupted", code, errb.String())
	}
	var got struct {
		Interrupted bool `json:"interrupted"`
		Sessions    []struct {
			Result string `json:"result"`
		} `json:"sessions"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v:\n%s", err, out.String())
	}
	if !got.Interrupted || len(got.Sessions) != 4 || got.Sessions[0].Result != "skipped" {
		t.Errorf("partial result = %+v", got)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "pid.*"))
	if len(files) != 8 {
		t.Fatalf("%d pids recorded, want 8 (4 ssh, 4 children)", len(files))
	}
	for _, f := range files {
		b, _ := os.ReadFile(f)
		pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
		if !processExits(pid) {
			t.Errorf("process %d (%s) outlived the probe", pid, filepath.Base(f))
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

// processExits reports whether pid exits within a second: SIGKILL goes to
// a whole process group at once, but each member dies in its own time.
func processExits(pid int) bool {
	for range 100 {
		if !processAlive(pid) {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}

// processAlive reports whether pid has not exited; a zombie has.
func processAlive(pid int) bool {
	if pid <= 0 || syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	return len(f) == 0 || f[0] != "Z"
}

// TestRunProbeCancel is the same through runProbe with a cancelled
// context, which is what the signal handler produces.
func TestRunProbeCancel(t *testing.T) {
	t.Parallel()
	ssh := fakeSSH(t, map[string]string{"FAKE_TIMEOUT": "0"})
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	var out, errb bytes.Buffer
	err := runProbe(ctx, Streams{Out: &out, Err: &errb}, &probeOptions{Host: "h", Max: "5s", SSH: ssh})
	if err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(out.String(), "note: interrupted") {
		t.Errorf("no partial report:\n%s", out.String())
	}
}

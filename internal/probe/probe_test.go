//go:build unix

package probe

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

func outcomes(r *Result) []Outcome {
	var o []Outcome
	for _, s := range r.Sessions {
		o = append(o, s.Outcome)
	}
	return o
}

// TestRunFindsTimeout checks the bounds and that the probe stops once a
// shorter idle dropped, instead of waiting for the longest session.
func TestRunFindsTimeout(t *testing.T) {
	ssh := writeFakeSSH(t, map[string]string{"FAKE_TIMEOUT": "0.5"})
	var progress bytes.Buffer
	start := time.Now()
	res, err := Run(context.Background(), Options{
		Host: "example", SSH: ssh, Grace: fastGrace, Progress: &progress,
		Steps: []time.Duration{ms(100), ms(200), ms(400), ms(800), 20 * time.Second},
	})
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("probe took %v; it should stop once the 800ms idle dropped", took)
	}
	want := []Outcome{Survived, Survived, Survived, Dropped, Skipped}
	if got := outcomes(res); !slices.Equal(got, want) {
		t.Errorf("outcomes = %v, want %v", got, want)
	}
	if s, d := res.Bounds(); s != ms(400) || d != ms(800) {
		t.Errorf("Bounds() = %v, %v; want 400ms, 800ms", s, d)
	}
	if got, want := res.Sessions[4].Detail, "not needed: the 800ms idle already dropped"; got != want {
		t.Errorf("skipped detail = %q, want %q", got, want)
	}
	if res.Interrupted || res.Complete() || !res.TimeoutFound() {
		t.Errorf("Interrupted, Complete, TimeoutFound = %v, %v, %v", res.Interrupted, res.Complete(), res.TimeoutFound())
	}
	p := progress.String()
	for _, want := range []string{"probing example with 5 idle sessions from 100ms to 20s", "400ms idle: came back", "800ms idle: dropped (no reply 300ms after it was due)"} {
		if !strings.Contains(p, want) {
			t.Errorf("progress lacks %q:\n%s", want, p)
		}
	}
	if strings.Contains(p, "\x1b[") {
		t.Errorf("plain progress has escape sequences:\n%q", p)
	}
}

// TestRunConnectionReset: a firewall that answers a forgotten flow with a
// reset makes ssh exit 255 while idle; that is a drop, not a failure.
func TestRunConnectionReset(t *testing.T) {
	ssh := writeFakeSSH(t, map[string]string{"FAKE_TIMEOUT": "0.3", "FAKE_RESET": "1"})
	res, err := Run(context.Background(), Options{
		Host: "example", SSH: ssh, Grace: fastGrace,
		Steps: []time.Duration{ms(100), ms(400)},
	})
	if err != nil {
		t.Fatal(err)
	}
	s := res.Sessions[1]
	if s.Outcome != Dropped || !strings.Contains(s.Detail, "Connection reset by 10.0.0.1") {
		t.Errorf("400ms session = %v (%s), want dropped with ssh's message", s.Outcome, s.Detail)
	}
}

func TestRunAllSurvive(t *testing.T) {
	ssh := writeFakeSSH(t, nil)
	res, err := Run(context.Background(), Options{
		Host: "example", SSH: ssh, Grace: fastGrace,
		Steps: []time.Duration{ms(100), ms(200)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Complete() || res.TimeoutFound() {
		t.Fatalf("outcomes = %v, want all survived", outcomes(res))
	}
	if notes := strings.Join(res.Notes(), "\n"); !strings.Contains(notes, "ClientAliveInterval") {
		t.Errorf("notes do not mention that server keep-alives could hide a timeout:\n%s", notes)
	}
}

func TestRunServerKeepalives(t *testing.T) {
	ssh := writeFakeSSH(t, map[string]string{"FAKE_KEEPALIVE": "1"})
	res, err := Run(context.Background(), Options{
		Host: "example", SSH: ssh, Grace: fastGrace,
		Steps: []time.Duration{ms(100), ms(200)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !res.ServerKeepalives() {
		t.Fatal("keep-alives in ssh's log were not noticed")
	}
	if s, d := res.Bounds(); s != 0 || d != 0 || res.Recommended() != 0 {
		t.Errorf("sessions kept warm by the server gave bounds %v, %v and a recommendation %d", s, d, res.Recommended())
	}
	if notes := strings.Join(res.Notes(), "\n"); !strings.Contains(notes, "the server sent keep-alives") {
		t.Errorf("notes = %s", notes)
	}
}

func TestRunLoginFails(t *testing.T) {
	ssh := writeFakeSSH(t, map[string]string{"FAKE_FAIL": "root@example: Permission denied (publickey)."})
	start := time.Now()
	_, err := Run(context.Background(), Options{
		Host: "example", SSH: ssh, Grace: fastGrace,
		Steps: []time.Duration{ms(100), ms(200), ms(400), ms(800), ms(1600), ms(3200), ms(6400)},
	})
	if !errors.Is(err, ErrNoSession) || !strings.Contains(err.Error(), "Permission denied (publickey)") {
		t.Fatalf("err = %v, want ErrNoSession with ssh's message", err)
	}
	if strings.Contains(err.Error(), "debug1") || strings.Contains(err.Error(), "OpenSSH_") {
		t.Errorf("err carries ssh -v chatter: %v", err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("took %v to give up", took)
	}
}

// TestRunInterrupt is Ctrl-C: every session closes, with what ssh started,
// and the result so far comes back marked interrupted.
func TestRunInterrupt(t *testing.T) {
	dir := t.TempDir()
	ssh := writeFakeSSH(t, map[string]string{"FAKE_TIMEOUT": "10", "FAKE_DIR": dir})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		// Interrupt once both long sessions hang, as behind a NAT, and
		// the short one has had time to come back.
		for range 100 {
			if m, _ := filepath.Glob(filepath.Join(dir, "pid.ssh.*")); len(m) == 2 {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		time.Sleep(500 * time.Millisecond)
		cancel()
	}()
	start := time.Now()
	res, err := Run(ctx, Options{
		Host: "example", SSH: ssh, Grace: fastGrace,
		Steps: []time.Duration{ms(100), 30 * time.Second, 60 * time.Second},
	})
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("interrupt took %v", took)
	}
	if !res.Interrupted {
		t.Error("result not marked interrupted")
	}
	want := []Outcome{Survived, Skipped, Skipped}
	if got := outcomes(res); !slices.Equal(got, want) {
		t.Errorf("outcomes = %v, want %v", got, want)
	}
	pids := recordedPids(t, dir)
	if len(pids) != 4 {
		t.Fatalf("fake ssh recorded %d pids, want 4 (2 ssh, 2 children)", len(pids))
	}
	for _, pid := range pids {
		if !exits(pid) {
			t.Errorf("process %d outlived the probe", pid)
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	if notes := strings.Join(res.Notes(), "\n"); !strings.Contains(notes, "interrupted") {
		t.Errorf("notes = %s", notes)
	}
}

// TestSSHArgs checks the command line: keep-alives forced off before the
// user's arguments (the first value wins), ConnectTimeout after them (the
// user's wins), then the host and the remote command.
func TestSSHArgs(t *testing.T) {
	dir := t.TempDir()
	ssh := writeFakeSSH(t, map[string]string{"FAKE_DIR": dir})
	_, err := Run(context.Background(), Options{
		Host: "user@example", SSH: ssh, Grace: fastGrace,
		SSHArgs: []string{"-F", "/tmp/cfg", "-p", "2222"},
		Steps:   []time.Duration{time.Second},
	})
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "args.*"))
	if len(files) != 1 {
		t.Fatalf("%d ssh runs, want 1", len(files))
	}
	b, _ := os.ReadFile(files[0])
	args := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	want := []string{"-v", "-T",
		"-o", "ServerAliveInterval=0", "-o", "TCPKeepAlive=no", "-o", "BatchMode=yes",
		"-o", "ControlMaster=no", "-o", "ControlPath=none", "-o", "ClearAllForwardings=yes",
		"-o", "ForwardAgent=no", "-o", "ForwardX11=no", "-o", "PermitLocalCommand=no",
		"-F", "/tmp/cfg", "-p", "2222",
		"-o", "ConnectTimeout=20",
		"user@example",
		"sh -c 'echo keepalive-probe-start; (sleep 1; echo keepalive-probe-done-1; kill 0) & cat >/dev/null; kill 0'"}
	if !slices.Equal(args, want) {
		t.Errorf("ssh args:\n got %q\nwant %q", args, want)
	}
}

// TestProgressTTY: on a terminal the progress is one line redrawn in place,
// with results printed above it and the line cleared at the end.
func TestProgressTTY(t *testing.T) {
	ssh := writeFakeSSH(t, map[string]string{"FAKE_TIMEOUT": "0.15"})
	var progress bytes.Buffer
	_, err := Run(context.Background(), Options{
		Host: "example", SSH: ssh, Grace: func(time.Duration) time.Duration { return 1200 * time.Millisecond },
		Progress: &progress, ProgressTTY: true,
		Steps: []time.Duration{ms(100), ms(200)},
	})
	if err != nil {
		t.Fatal(err)
	}
	p := progress.String()
	for _, want := range []string{"\r\x1b[K100ms idle: came back\n", "] 1s of ~1s  1 back, 0 dropped, 1 open"} {
		if !strings.Contains(p, want) {
			t.Errorf("progress lacks %q:\n%q", want, p)
		}
	}
	if !strings.HasSuffix(p, "\r\x1b[K") {
		t.Errorf("progress does not end by clearing its line:\n%q", p)
	}
}

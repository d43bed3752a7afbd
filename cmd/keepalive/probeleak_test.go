//go:build linux

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/keepalive-ssh/keepalive/internal/sshdtest"
	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// TestProbeLeavesNothing: `keepalive probe` against a throwaway sshd,
// stopped by Ctrl-C (SIGINT) or killed outright (SIGKILL) while its
// sessions idle. sshd sends no SIGHUP to a session without a terminal, so
// the remote commands must end by themselves when the connection or ssh's
// input ends: within a few seconds no process of any probe session may be
// left on the server.
//
//	go test ./cmd/keepalive -run TestProbeLeavesNothing
func TestProbeLeavesNothing(t *testing.T) {
	testenv.Tool(t, "ssh")
	srv := sshdtest.Prepare(t, "")
	srv.Start(t)
	k := buildKeepalive(t)
	cfg := writeFile(t, filepath.Join(srv.Dir, "ssh_config"), nil, 0o600)
	sshArgs := srv.SSHArgs(cfg)
	host := sshArgs[len(sshArgs)-1]
	args := append([]string{"probe", "--max", "3m", host, "--"}, sshArgs[:len(sshArgs)-1]...)

	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGKILL} {
		t.Run(sig.String(), func(t *testing.T) {
			// Sessions of earlier runs (another test's) are not this one's.
			earlier, _ := remoteSessions(nil)
			cmd := exec.Command(k.path, args...)
			cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + srv.Dir, "NO_COLOR=1", "LC_ALL=C"}
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			// Wait until a session that idles for a minute or more (which
			// would outlive the test's wait below) runs on the server.
			long := false
			for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline) && !long; time.Sleep(100 * time.Millisecond) {
				_, long = remoteSessions(earlier)
			}
			if !long {
				t.Fatalf("no long probe session idles on the server after 30s:\n%s\nsshd:\n%s", out.String(), srv.Log())
			}
			time.Sleep(500 * time.Millisecond) // let them all get to sleep
			sids, _ := remoteSessions(earlier)
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			done := make(chan struct{})
			go func() { cmd.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				t.Fatalf("keepalive probe did not end 20s after %v:\n%s", sig, out.String())
			}
			var left []string
			for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
				if left = inSessions(sids); len(left) == 0 {
					return
				}
			}
			t.Fatalf("10s after %v to keepalive probe, these remote processes are still running:\n%s", sig, strings.Join(left, "\n"))
		})
	}
}

// process is one entry of /proc: its session id and command line.
type process struct {
	pid, sid int
	argv     []string
}

func processes() []process {
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	var out []process
	for _, d := range dirs {
		pid, err := strconv.Atoi(filepath.Base(d))
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join(d, "stat"))
		if err != nil {
			continue
		}
		// After the parenthesised name: state, ppid, pgrp, session.
		f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(f) < 4 {
			continue
		}
		sid, _ := strconv.Atoi(f[3])
		cmdline, _ := os.ReadFile(filepath.Join(d, "cmdline"))
		out = append(out, process{pid, sid, strings.Split(strings.TrimRight(string(cmdline), "\x00"), "\x00")})
	}
	return out
}

// remoteSessions returns the session ids of the probe's remote commands
// (processes that run its script and are not the local ssh), but those in
// earlier, and whether one of them idles for a minute or more.
func remoteSessions(earlier map[int]bool) (sids map[int]bool, long bool) {
	sids = map[int]bool{}
	for _, p := range processes() {
		line := strings.Join(p.argv, " ")
		if filepath.Base(p.argv[0]) == "ssh" || !strings.Contains(line, "keepalive-probe-start") || earlier[p.sid] {
			continue
		}
		sids[p.sid] = true
		if m := sleepArg.FindStringSubmatch(line); m != nil {
			if secs, err := strconv.ParseFloat(m[1], 64); err == nil && secs >= 60 {
				long = true
			}
		}
	}
	return sids, long
}

var sleepArg = regexp.MustCompile(`sleep ([0-9.]+)`)

// inSessions describes the probe's processes still in one of sids: its
// script, and the sleep and cat it starts. (Other processes there have a
// recycled id: a session that ended normally freed it.)
func inSessions(sids map[int]bool) []string {
	var left []string
	for _, p := range processes() {
		line := strings.Join(p.argv, " ")
		name := filepath.Base(p.argv[0])
		if sids[p.sid] && (strings.Contains(line, "keepalive-probe") || name == "sleep" || name == "cat") {
			left = append(left, strconv.Itoa(p.pid)+" "+line)
		}
	}
	return left
}

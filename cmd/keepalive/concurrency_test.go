//go:build unix

package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/keepalive-ssh/keepalive/internal/atomicfile"
	"github.com/keepalive-ssh/keepalive/internal/sshconf"
	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// holdLockEnv makes the test binary a helper that takes keepalive's lock on
// the named file, says "locked" and sleeps until it is killed: a keepalive
// that dies (SIGKILL, OOM killer, power cut of a container) mid-edit.
const holdLockEnv = "KEEPALIVE_TEST_HOLD_LOCK"

func init() {
	path := os.Getenv(holdLockEnv)
	if path == "" {
		return
	}
	if _, err := atomicfile.Lock(path); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("locked")
	time.Sleep(time.Minute)
	os.Exit(0)
}

// concurrencyConfig is what the file held before sixteen runs edited it;
// every byte of it must survive.
const concurrencyConfig = "# hand-written: every byte below must survive\n" +
	"Host bastion\n" +
	"\tHostName 192.0.2.1\n" +
	"\tUser  admin   # two spaces\n" +
	"\n" +
	"Match host *.internal\n" +
	"  ForwardAgent no\n" +
	"\n" +
	"Host *\n" +
	"  IdentitiesOnly yes\n"

// testConcurrentEnable: sixteen keepalive processes edit one file at the
// same moment, each for its own host; the lock serializes them and no edit
// is lost.
func (k *keepalive) testConcurrentEnable(t *testing.T) {
	const n = 16
	dir := scratch(t)
	cfg := writeFile(t, filepath.Join(dir, "config"), []byte(concurrencyConfig), 0o644)

	results := make([]result, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			results[i] = k.run(t, dir, "enable", "--file", cfg,
				"--host", fmt.Sprintf("host%d", i), "--interval", strconv.Itoa(10+i), "--count", strconv.Itoa(1+i%5))
		})
	}
	wg.Wait()
	for _, r := range results {
		r.sane(t)
		if r.code != 0 || r.stderr != "" {
			t.Errorf("want exit 0 and a quiet stderr: %v", r)
		}
	}

	final := readFile(t, cfg)
	if err := faithful([]byte(concurrencyConfig), final); err != nil {
		t.Fatalf("the concurrent edits damaged the file: %v\n%s", err, final)
	}
	// Each host's block is there exactly once, with its own values.
	f := sshconf.Parse(final)
	for i := range n {
		host := fmt.Sprintf("host%d", i)
		var found []string
		for _, b := range f.Blocks() {
			if b.Header == nil || !b.Header.Is("Host") || b.Header.Value() != host {
				continue
			}
			for _, l := range f.Lines[b.Start+1 : b.End] {
				if l.Kind == sshconf.Directive {
					found = append(found, l.Key()+" "+l.Value())
				}
			}
		}
		want := fmt.Sprintf("[ServerAliveInterval %d ServerAliveCountMax %d]", 10+i, 1+i%5)
		if fmt.Sprint(found) != want {
			t.Errorf("Host %s block holds %v, want %s", host, found, want)
		}
	}
	onlyFiles(t, dir, "config")
	if info, err := os.Stat(cfg); err != nil || info.Mode().Perm() != 0o644 {
		t.Errorf("mode after the edits: %v %v, want 0644", info.Mode(), err)
	}

	// ssh itself reads the result and gives each host its own values.
	ssh := testenv.Tool(t, "ssh")
	for i := range n {
		out, err := exec.Command(ssh, "-G", "-F", cfg, fmt.Sprintf("host%d", i)).Output()
		if err != nil {
			t.Fatalf("ssh -G rejects the edited file: %v\n%s", err, final)
		}
		for _, want := range []string{fmt.Sprintf("serveraliveinterval %d\n", 10+i), fmt.Sprintf("serveralivecountmax %d\n", 1+i%5)} {
			if !strings.Contains(string(out), want) {
				t.Errorf("ssh -G host%d does not print %q", i, want)
			}
		}
	}
}

// testStaleLock: a keepalive killed while it holds the lock does not block
// the next run: the lock is a flock the kernel drops with its holder. While
// the holder lives, the next run waits rather than editing alongside it.
func (k *keepalive) testStaleLock(t *testing.T) {
	dir := scratch(t)
	cfg := writeFile(t, filepath.Join(dir, "config"), []byte("Host a\n  User b\n"), 0o600)

	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	holder := exec.Command(self)
	holder.Env = append(os.Environ(), holdLockEnv+"="+cfg)
	stdout, err := holder.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	defer holder.Process.Kill()
	if line, _ := bufio.NewReader(stdout).ReadString('\n'); line != "locked\n" {
		holder.Wait()
		t.Fatalf("lock holder said %q", line)
	}

	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	waiter := k.command(ctx, dir, nil, "enable", "--file", cfg)
	var out strings.Builder
	waiter.Stdout, waiter.Stderr = &out, &out
	if err := waiter.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- waiter.Wait() }()
	select {
	case err := <-done:
		t.Fatalf("enable finished while another process held the lock: %v\n%s", err, out.String())
	case <-time.After(500 * time.Millisecond):
	}
	sameBytes(t, cfg, []byte("Host a\n  User b\n"))

	// SIGKILL: no clean-up code runs in the holder.
	if err := holder.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	holder.Wait()
	killed := time.Now()
	if err := <-done; err != nil {
		t.Fatalf("enable after the holder was killed: %v\n%s", err, out.String())
	}
	if waited := time.Since(killed); waited > 5*time.Second {
		t.Errorf("enable took %v after the holder died", waited)
	}
	if err := faithful([]byte("Host a\n  User b\n"), readFile(t, cfg)); err != nil {
		t.Fatal(err)
	}
	r := k.run(t, dir, "enable", "--file", cfg)
	if r.code != 0 || !strings.HasPrefix(r.stdout, "already set") {
		t.Errorf("a later run: %v", r)
	}
	onlyFiles(t, dir, "config")
}

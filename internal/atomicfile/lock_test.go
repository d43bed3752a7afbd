package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// appendLines does n lock-read-append-write cycles on path, the pattern
// every keepalive edit follows. Any lost update shows as a missing line.
func appendLines(path, tag string, n int) error {
	for i := range n {
		unlock, err := Lock(path)
		if err != nil {
			return err
		}
		s, err := Read(path)
		if err == nil {
			data := fmt.Appendf(s.Data[:len(s.Data):len(s.Data)], "%s %d\n", tag, i)
			_, err = s.Write(data, Options{})
			s.Close()
		}
		unlock()
		if err != nil {
			return err
		}
	}
	return nil
}

// wantLines checks that every tag appended n lines, in order.
func wantLines(t *testing.T, path string, tags []string, n int) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	next := map[string]int{}
	for line := range strings.Lines(string(data)) {
		tag, i, _ := strings.Cut(strings.TrimSpace(line), " ")
		if strconv.Itoa(next[tag]) != i {
			t.Fatalf("line %q out of order: an update was lost", line)
		}
		next[tag]++
	}
	for _, tag := range tags {
		if next[tag] != n {
			t.Errorf("%s appended %d lines, want %d", tag, next[tag], n)
		}
	}
}

func TestLockGoroutines(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config")
	const workers, n = 16, 25
	var tags []string
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		tag := fmt.Sprintf("g%d", w)
		tags = append(tags, tag)
		wg.Go(func() { errs <- appendLines(path, tag, n) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	wantLines(t, path, tags, n)
	wantNames(t, dir, "config") // no lock file, no temp file
}

// helper re-runs the named test in a child process with env set.
func helper(test string, env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), env...)
	return cmd
}

func TestLockProcesses(t *testing.T) {
	const n = 40
	if path := os.Getenv("ATOMICFILE_APPEND"); path != "" {
		if err := appendLines(path, os.Getenv("ATOMICFILE_TAG"), n); err != nil {
			t.Fatal(err)
		}
		return
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "config")
	var tags []string
	var cmds []*exec.Cmd
	var outs []*strings.Builder
	for i := range 4 {
		tag := fmt.Sprintf("p%d", i)
		tags = append(tags, tag)
		cmd := helper("TestLockProcesses", "ATOMICFILE_APPEND="+path, "ATOMICFILE_TAG="+tag)
		out := new(strings.Builder)
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds, outs = append(cmds, cmd), append(outs, out)
	}
	// This process takes part too, so the children race with goroutines.
	if err := appendLines(path, "parent", n); err != nil {
		t.Error(err)
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil || !strings.Contains(outs[i].String(), "--- PASS") {
			t.Errorf("child %d: %v\n%s", i, err, outs[i])
		}
	}
	wantLines(t, path, append(tags, "parent"), n)
	wantNames(t, dir, "config")
}

func TestLockBusy(t *testing.T) {
	wait := 200 * time.Millisecond
	dir := t.TempDir()
	path := filepath.Join(dir, "config")
	unlock, err := LockWithin(path, wait)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = LockWithin(path, wait)
	if !errors.Is(err, ErrBusy) {
		t.Fatalf("second Lock = %v, want ErrBusy", err)
	}
	if want := "another keepalive is editing " + dir + "; try again"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	if waited := time.Since(start); waited < wait {
		t.Errorf("gave up after %v, before the wait %v", waited, wait)
	}
	unlock()
	unlock() // a second release is harmless
	again, err := LockWithin(path, wait)
	if err != nil {
		t.Fatalf("Lock after release: %v", err)
	}
	again()
}

func TestLockWaitsForRelease(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	unlock, err := Lock(path)
	if err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(100*time.Millisecond, unlock)
	start := time.Now()
	again, err := Lock(path)
	if err != nil {
		t.Fatal(err)
	}
	again()
	if time.Since(start) < 100*time.Millisecond {
		t.Error("second Lock did not wait for the first")
	}
}

func TestLockKilledHolder(t *testing.T) {
	if path := os.Getenv("ATOMICFILE_HOLD"); path != "" {
		if _, err := Lock(path); err != nil {
			t.Fatal(err)
		}
		fmt.Println("locked")
		time.Sleep(time.Minute) // until killed
		return
	}
	wait := 200 * time.Millisecond
	dir := t.TempDir()
	path := filepath.Join(dir, "config")
	cmd := helper("TestLockKilledHolder", "ATOMICFILE_HOLD="+path)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	for sc := bufio.NewScanner(stdout); sc.Scan() && sc.Text() != "locked"; {
	}

	if _, err := LockWithin(path, wait); !errors.Is(err, ErrBusy) {
		t.Fatalf("Lock while another process holds it = %v, want ErrBusy", err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	unlock, err := LockWithin(path, wait)
	if err != nil {
		t.Fatalf("Lock after the holder was killed: %v", err)
	}
	unlock()
	wantNames(t, dir) // the killed holder left nothing behind
}

func TestLockMissingDirectory(t *testing.T) {
	wait := 100 * time.Millisecond
	home := t.TempDir()
	unlock, err := LockWithin(filepath.Join(home, ".ssh", "config"), wait)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	wantNames(t, home) // nothing created
	// The nearest existing ancestor is what is locked.
	if _, err := LockWithin(filepath.Join(home, "other"), wait); !errors.Is(err, ErrBusy) {
		t.Errorf("Lock in the locked ancestor = %v, want ErrBusy", err)
	}
}

func TestLockFollowsSymlink(t *testing.T) {
	wait := 100 * time.Millisecond
	root := t.TempDir()
	for _, d := range []string{"home", "dotfiles"} {
		os.Mkdir(filepath.Join(root, d), 0o700)
	}
	real := filepath.Join(root, "dotfiles", "ssh_config")
	link := filepath.Join(root, "home", "config")
	symlink(t, real, link)
	unlock, err := LockWithin(link, wait)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	if _, err := LockWithin(real, wait); !errors.Is(err, ErrBusy) {
		t.Errorf("Lock of the link's target = %v, want ErrBusy", err)
	}
}

//go:build unix

package main

// The reliability and security tests (issue 6) run the real keepalive
// binary, built once, the way users and scripts run it: many at once on one
// file, on a full disk or a read-only mount, without permission, on hostile
// files, with bad flags and under sudo. Each proves a promise of docs/SPEC.md "File
// safety" and "Output and exit codes": the file is edited faithfully or not
// at all, no temp file is left, errors are one line naming the file and the
// cause (exit 1), bad usage names the flag and its range (exit 2), and
// keepalive never hangs, panics or runs anything a config names.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// TestReliability builds keepalive once and runs each area as a subtest:
// go test ./cmd/keepalive -run 'TestReliability/Hostile'.
func TestReliability(t *testing.T) {
	k := buildKeepalive(t)
	t.Run("Concurrency", k.testConcurrentEnable)
	t.Run("StaleLock", k.testStaleLock)
	t.Run("FullDisk", k.testFullDisk)
	t.Run("ReadOnly", k.testReadOnly)
	t.Run("NoWritePermission", k.testNoWritePermission)
	t.Run("Hostile", k.testHostile)
	t.Run("BadFlags", k.testBadFlags)
	t.Run("ForeignOwner", k.testForeignOwner)
	t.Run("Sudo", k.testSudo)
	t.Run("NeverExecutes", k.testNeverExecutes)
}

// runTimeout bounds every run: keepalive must never hang, whatever the input.
const runTimeout = 10 * time.Second

// keepalive is the binary under test.
type keepalive struct{ path string }

// buildKeepalive compiles ./cmd/keepalive into a directory that any user
// can read, for the tests that run it as nobody.
func buildKeepalive(t *testing.T) *keepalive {
	t.Helper()
	dir := sharedDir(t)
	bin := filepath.Join(dir, "keepalive")
	if other := os.Getenv("KEEPALIVE_TEST_BINARY"); other != "" {
		// Replay these tests against another build (an older release, to
		// see an attack succeed there): copied where other users can run it.
		data, err := os.ReadFile(other)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(bin, data, 0o755); err != nil {
			t.Fatal(err)
		}
		return &keepalive{path: bin}
	}
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return &keepalive{path: bin}
}

// sharedDir is a temp dir that other users may enter (t.TempDir is 0700).
func sharedDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{dir, filepath.Dir(dir)} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// scratch is a temp dir for one scenario. When the scenario ends, nothing
// in it may be world-writable: keepalive never creates such a file or
// directory, whatever the umask.
func scratch(t *testing.T) string {
	t.Helper()
	dir := sharedDir(t)
	t.Cleanup(func() { noWorldWritable(t, dir) })
	return dir
}

func noWorldWritable(t *testing.T, root string) {
	t.Helper()
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		info, err := d.Info()
		if err == nil && info.Mode()&fs.ModeSymlink == 0 && info.Mode().Perm()&0o002 != 0 {
			t.Errorf("%s is world-writable (%v)", p, info.Mode())
		}
		return nil
	})
}

// result is one finished run.
type result struct {
	args           []string
	code           int // -1: killed by a signal or by the timeout
	stdout, stderr string
	timedOut       bool
}

func (r result) String() string {
	return fmt.Sprintf("keepalive %s: exit %d, timed out %v\nstdout:\n%s\nstderr:\n%s",
		strings.Join(r.args, " "), r.code, r.timedOut, r.stdout, r.stderr)
}

// command prepares a run with a clean environment: HOME is home, no
// colour, no SUDO_USER, and extra variables on top.
func (k *keepalive) command(ctx context.Context, home string, extra []string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, k.path, args...)
	cmd.Env = append([]string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"NO_COLOR=1",
		"LC_ALL=C",
	}, extra...)
	cmd.Dir = home
	cmd.WaitDelay = time.Second
	return cmd
}

// run runs keepalive with HOME=home and waits at most runTimeout.
func (k *keepalive) run(t *testing.T, home string, args ...string) result {
	t.Helper()
	return k.runCmd(t, func(ctx context.Context) *exec.Cmd { return k.command(ctx, home, nil, args...) }, args)
}

func (k *keepalive) runCmd(t *testing.T, mk func(context.Context) *exec.Cmd, args []string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := mk(ctx)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{args: args, stdout: stdout.String(), stderr: stderr.String(), timedOut: ctx.Err() != nil}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	default:
		t.Fatalf("keepalive %s: %v", strings.Join(args, " "), err)
	}
	return r
}

// sane fails the test when a run hung, died of a signal or panicked:
// whatever the input, keepalive ends in time with 0, 1 or 2.
func (r result) sane(t *testing.T) {
	t.Helper()
	switch {
	case r.timedOut:
		t.Fatalf("hung for %v: %v", runTimeout, r)
	case strings.Contains(r.stderr, "panic:") || strings.Contains(r.stderr, "goroutine "):
		t.Fatalf("panicked: %v", r)
	case r.code < 0 || r.code > 2:
		t.Fatalf("want exit 0, 1 or 2: %v", r)
	}
}

// failure checks a refusal: exit code, exactly one error line containing
// each of want, at most one hint line after it, nothing else on stderr
// (but the note of whose config it is) and nothing on stdout.
func (r result) failure(t *testing.T, code int, want ...string) {
	t.Helper()
	r.sane(t)
	if r.code != code {
		t.Fatalf("want exit %d: %v", code, r)
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n") {
		// Under sudo keepalive first says whose config it edits.
		if !strings.HasPrefix(l, "keepalive: editing ") && !strings.HasPrefix(l, "keepalive: note: ") {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 || len(lines) > 2 || !strings.HasPrefix(lines[0], "keepalive: ") || strings.HasPrefix(lines[0], "keepalive: hint: ") ||
		len(lines) == 2 && !strings.HasPrefix(lines[1], "keepalive: hint: ") {
		t.Fatalf("want one error line and at most a hint: %v", r)
	}
	for _, w := range want {
		if !strings.Contains(lines[0], w) {
			t.Errorf("error line %q does not say %q", lines[0], w)
		}
	}
	if code == 1 && r.stdout != "" {
		t.Errorf("a failed edit printed on stdout: %v", r)
	}
}

// hint returns the hint line's text, if any.
func (r result) hint() string {
	for _, l := range strings.Split(r.stderr, "\n") {
		if h, ok := strings.CutPrefix(l, "keepalive: hint: "); ok {
			return h
		}
	}
	return ""
}

// writeFile writes a fixture and returns its path.
func writeFile(t *testing.T, path string, data []byte, perm fs.FileMode) string {
	t.Helper()
	if err := os.WriteFile(path, data, perm); err != nil {
		t.Fatal(err)
	}
	return path
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// sameBytes fails unless path holds want exactly.
func sameBytes(t *testing.T, path string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s changed:\n%s", path, firstDifference(want, got))
	}
}

// listDir returns the names in dir, sorted; temp files show up here.
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// onlyFiles fails when dir holds anything but names: a temp file left
// behind, a lock file, a backup nobody asked for.
func onlyFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	got := listDir(t, dir)
	slices.Sort(names)
	if !slices.Equal(got, names) {
		t.Fatalf("%s holds %q, want exactly %q", dir, got, names)
	}
}

// addedLine matches what enable may add: keep-alive directives, the Host
// header of their block, the blank line that separates it, and the
// "# keepalive:" comment that marks each line it adds.
var addedLine = regexp.MustCompile(`^(\s*(ServerAliveInterval|ServerAliveCountMax)\s+\d+|Host \S+|\s*# keepalive: .*|)\r?\n?$`)

// faithful reports whether got is orig with only keep-alive lines (and
// their Host headers) added: every original line is there, in order, with
// its exact bytes; the original last line may have gained a line ending.
func faithful(orig, got []byte) error {
	o := strings.SplitAfter(string(orig), "\n")
	if o[len(o)-1] == "" {
		o = o[:len(o)-1]
	}
	i := 0
	for n, line := range strings.SplitAfter(string(got), "\n") {
		if line == "" {
			continue
		}
		if i < len(o) {
			if line == o[i] {
				i++
				continue
			}
			last := i == len(o)-1 && !strings.HasSuffix(o[i], "\n")
			if rest, ok := strings.CutPrefix(line, o[i]); ok && last && (rest == "\n" || rest == "\r\n") {
				i++
				continue
			}
		}
		if !addedLine.MatchString(line) {
			return fmt.Errorf("line %d %.80q is neither original nor a keep-alive line (next original line %d: %.80q)",
				n+1, line, i+1, strings.Join(o[i:min(i+1, len(o))], ""))
		}
	}
	if i != len(o) {
		return fmt.Errorf("original line %d %.80q and %d after it are missing", i+1, o[i], len(o)-i-1)
	}
	return nil
}

// firstDifference describes where two byte strings part.
func firstDifference(want, got []byte) string {
	i := 0
	for i < len(want) && i < len(got) && want[i] == got[i] {
		i++
	}
	return fmt.Sprintf("first difference at byte %d of %d/%d: want %.60q, got %.60q",
		i, len(want), len(got), want[i:], got[i:])
}

// inMountNamespace runs a shell script as root in a private mount
// namespace, where it can mount a tiny tmpfs or remount something read-only
// without touching the machine. K is the binary, OUT a directory outside
// the namespace's mounts for what the script leaves for the test to check.
func (k *keepalive) inMountNamespace(t *testing.T, out, script string, env ...string) {
	t.Helper()
	testenv.Root(t)
	unshare := testenv.Tool(t, "unshare")
	ctx, cancel := context.WithTimeout(context.Background(), 2*runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, unshare, "--mount", "--propagation", "private", "sh", "-euc", script)
	cmd.Env = append([]string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + out,
		"NO_COLOR=1",
		"LC_ALL=C",
		"K=" + k.path,
		"OUT=" + out,
	}, env...)
	if b, err := cmd.CombinedOutput(); err != nil {
		if strings.Contains(string(b), "Operation not permitted") {
			testenv.Unavailable(t, "no mount namespaces here: %v\n%s", err, b)
		}
		t.Fatalf("%v\n%s", err, b)
	}
}

// nsResult reads the run a namespace script saved as OUT/{code,stdout,stderr}.
func nsResult(t *testing.T, out string, args ...string) result {
	t.Helper()
	var code int
	if _, err := fmt.Sscan(string(readFile(t, filepath.Join(out, "code"))), &code); err != nil {
		t.Fatal(err)
	}
	return result{
		args:   args,
		code:   code,
		stdout: string(readFile(t, filepath.Join(out, "stdout"))),
		stderr: string(readFile(t, filepath.Join(out, "stderr"))),
	}
}

// asUser runs keepalive with the given uid and gid and no supplementary
// groups, as a user without sudo would.
func (k *keepalive) asUser(t *testing.T, uid, gid uint32, home string, args ...string) result {
	t.Helper()
	return k.runCmd(t, func(ctx context.Context) *exec.Cmd {
		cmd := k.command(ctx, home, []string{"USER=nobody"}, args...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: gid, Groups: []uint32{}}}
		return cmd
	}, args)
}

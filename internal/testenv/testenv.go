// Package testenv is what tests need from the machine: the real OpenSSH and
// PuTTY tools, root, and the corpus of real-world configs. Outside CI
// a missing piece skips the test with the reason; under CI=true it fails it,
// so that CI never reports a skipped check as passing.
package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// InCI reports whether the tests run under CI (CI=true).
func InCI() bool { return os.Getenv("CI") == "true" }

// Unavailable skips the test, or fails it under CI.
func Unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	if InCI() {
		t.Fatalf("CI=true but "+format, args...)
	}
	t.Skipf(format, args...)
}

// Tool returns the path of a program the test runs, looking in PATH and the
// sbin directories (sshd lives in /usr/sbin).
func Tool(t testing.TB, name string) string {
	t.Helper()
	notOnWindows(t, name+" (a Unix program)")
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, dir := range []string{"/usr/sbin", "/usr/local/sbin", "/sbin"} {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	Unavailable(t, "%s is not installed (apt-get install openssh-client openssh-server putty-tools)", name)
	return ""
}

// Root requires the test to run as root.
func Root(t testing.TB) {
	t.Helper()
	notOnWindows(t, "Unix root")
	if os.Geteuid() != 0 {
		Unavailable(t, "this test needs root")
	}
}

// ModuleRoot returns the repository's top directory.
func ModuleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test's directory")
		}
		dir = parent
	}
}

// Corpus returns testdata/corpus: real-world configs, each listed with its
// source and licence in SOURCES.tsv.
func Corpus(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(ModuleRoot(t), "testdata", "corpus")
	if _, err := os.Stat(filepath.Join(dir, "SOURCES.tsv")); err != nil {
		t.Fatalf("the corpus is missing from %s: %v", dir, err)
	}
	return dir
}

// CorpusFiles returns the corpus files of one kind ("client" or "server").
func CorpusFiles(t testing.TB, kind string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(Corpus(t), kind, "*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no %s files in the corpus: %v", kind, err)
	}
	return files
}

// CorpusText is a corpus file's name and contents.
type CorpusText struct{ Name, Text string }

// CorpusTexts reads the corpus files of a kind ("client", "server"), in
// the order of their names.
func CorpusTexts(t testing.TB, kind string) []CorpusText {
	t.Helper()
	var out []CorpusText
	for _, p := range CorpusFiles(t, kind) {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, CorpusText{filepath.Base(p), string(data)})
	}
	return out
}

// notOnWindows skips, even under CI, a test that needs what only the Unix
// runs have. The Windows build's tests run under Wine (make test-windows),
// which has no Windows OpenSSH or PuTTY and no Unix root; the same tests
// run against the real programs in the Linux run.
func notOnWindows(t testing.TB, what string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skipf("needs %s; the Windows tests run under Wine without it, the Linux run covers this test", what)
	}
}

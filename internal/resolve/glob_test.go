package resolve

import (
	"errors"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// globLayout is a directory with files whose names exercise glob(3):
// hidden files, brackets, blanks, POSIX classes.
var globLayout = []string{"a/1.conf", "a/2.txt", "a/.h.conf", "b/1.conf", "b/c/d.conf", "[x]/y", "e f/g.conf", ".hidden/h.conf", "k/A1", "k/b2", "k/_3", "k/44", "k/[", "k/x]", "k/7"}

// globCases are patterns and what glib's glob(3) returns for them, relative
// to the layout (ssh -G confirms them in TestGlobLikeSSH).
var globCases = []struct {
	pat  string
	want []string
}{
	{"*", []string{"[x]", "a", "b", "e f", "k"}}, // no hidden files
	{"*/*.conf", []string{"a/1.conf", "b/1.conf", "e f/g.conf"}},
	{"*/.*.conf", []string{"a/.h.conf"}},
	{".*/*", []string{".hidden/h.conf"}},
	{"*/c/*", []string{"b/c/d.conf"}},
	{"[ab]/*", []string{"a/1.conf", "a/2.txt", "b/1.conf", "b/c"}},
	{"[!a]/1.conf", []string{"b/1.conf"}},
	{"[^a]/1.conf", []string{"a/1.conf"}}, // '^' is no negation: a set of '^' and 'a'
	{"k/[!a-z]?", []string{"k/44", "k/A1", "k/_3"}},
	{"k/[[:alpha:]]*", []string{"k/A1", "k/b2", "k/x]"}},
	{"k/[[:xdigit:][:punct:]]?", []string{"k/44", "k/A1", "k/_3", "k/b2"}},
	{"k/[[:upper:]][[:digit:]]", []string{"k/A1"}},
	{"k/[[:digit:]]*", []string{"k/44", "k/7"}},
	{"k/[[:punct:]]*", []string{"k/[", "k/_3"}},
	// [:alnum:] ends the compiled pattern (its index is 0): one-character
	// names only, whatever follows.
	{"k/[![:alnum:]]*", []string{"k/["}},
	{"k/[[:alnum:]]*", []string{"k/7"}},
	{"[[:alnum:]]/*", []string{"a", "b", "k"}}, // the directories themselves
	{"k/[a-c]?", []string{"k/b2"}},
	{"k/[[:bogus:]]*", nil},
	{`\[x\]/*`, []string{"[x]/y"}},
	{"a/1.conf", []string{"a/1.conf"}},
	{"a/missing", nil},
	{"missing/*", nil},
	{"a/1.conf/*", nil},
	{"k/[", []string{"k/["}}, // an unclosed '[' is an ordinary character
	{"*/[", []string{"k/["}},
}

func writeGlobLayout(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, p := range globLayout {
		p = filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestGlobLikeGlob3: Include patterns expand as glob(3) expands them,
// POSIX classes and hidden files included.
func TestGlobLikeGlob3(t *testing.T) {
	dir := writeGlobLayout(t)
	for _, c := range globCases {
		budget := maxGlobEntries
		got, err := glob(FS{}, filepath.Join(dir, c.pat), &budget)
		var rel []string
		for _, g := range got {
			rel = append(rel, strings.TrimPrefix(g, dir+"/"))
		}
		slices.Sort(rel)
		if err != nil || !slices.Equal(rel, c.want) {
			t.Errorf("glob(%q) = %q, %v; want %q", c.pat, rel, err, c.want)
		}
	}
}

// TestGlobLikeSSH asks the real ssh which files each pattern includes:
// every file of the layout adds its own SendEnv name (SendEnv accumulates),
// and ssh -G lists the names of the files it read.
func TestGlobLikeSSH(t *testing.T) {
	ssh := testenv.Tool(t, "ssh")
	dir := writeGlobLayout(t)
	names := map[string]string{}
	for i, p := range globLayout {
		name := fmt.Sprintf("F%d", i)
		names[name] = p
		if err := os.WriteFile(filepath.Join(dir, p), []byte("SendEnv "+name+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range globCases {
		cfg := filepath.Join(t.TempDir(), "config")
		pat := filepath.Join(dir, c.pat)
		if strings.ContainsAny(pat, " ") {
			pat = `"` + pat + `"`
		}
		os.WriteFile(cfg, []byte("Include "+pat+"\n"), 0o600)
		out, err := exec.Command(ssh, "-G", "-F", cfg, "h").CombinedOutput()
		if err != nil {
			t.Errorf("%s: ssh -G: %v\n%s", c.pat, err, out)
			continue
		}
		var got []string
		for _, l := range strings.Split(string(out), "\n") {
			if v, ok := strings.CutPrefix(l, "sendenv "); ok {
				got = append(got, names[v])
			}
		}
		slices.Sort(got)
		var files []string // ssh reads a directory as an empty file
		for _, w := range c.want {
			if slices.Contains(globLayout, w) {
				files = append(files, w)
			}
		}
		if !slices.Equal(got, files) {
			t.Errorf("Include %s: ssh -G read %q; the test expects %q", c.pat, got, files)
		}
	}
}

// TestGlobBudget: a pattern that reads too many directory entries fails
// instead of listing them all.
func TestGlobBudget(t *testing.T) {
	dir := t.TempDir()
	for i := range 300 {
		os.WriteFile(filepath.Join(dir, fmt.Sprint(i)), nil, 0o600)
	}
	budget := 100
	if _, err := glob(FS{}, filepath.Join(dir, "*"), &budget); !errors.Is(err, errGlobTooLarge) {
		t.Fatalf("300 entries with a budget of 100: %v", err)
	}
	// Through Resolve: the evaluation stops at the Include, with its position.
	cfg := filepath.Join(t.TempDir(), "config")
	os.WriteFile(cfg, []byte("Host a\nInclude /*/*/*/*/*/*/*/*\n"), 0o600)
	r := Resolve(Options{Files: []Input{{Path: cfg}}, Host: "a"})
	if r.Stopped == nil || r.Stopped.Pos != cfg+":2" {
		t.Fatalf("Include /*/*/*/*/*/*/*/* did not stop the evaluation at %s:2: %+v", cfg, r.Stopped)
	}
	if r.Complete() {
		t.Error("a stopped evaluation is not complete")
	}
}

// TestRandomGlobLikeSSH: random Include patterns over the layout expand to
// the files the installed ssh reads.
func TestRandomGlobLikeSSH(t *testing.T) {
	ssh := testenv.Tool(t, "ssh")
	dir := writeGlobLayout(t)
	names := map[string]string{}
	for i, p := range globLayout {
		name := fmt.Sprintf("F%d", i)
		names[name] = p
		os.WriteFile(filepath.Join(dir, p), []byte("SendEnv "+name+"\n"), 0o600)
	}
	firsts := []string{"*", "?", "a", "k", "[ak]", "[!b]", "[^a]", "[[:alpha:]]", "[[:alnum:]]", `\k`, ".*", "[a-k]", "*[!x]"}
	pieces := []string{"*", "*", "?", "[", "]", "!", "^", "-", "a", "A", "1", "4", ".", `\`, "[:alpha:]", "[:digit:]", "[:alnum:]", "[:punct:]", "[:bogus:]", "conf", "x", "_", "[!a-z]", "[[:digit:]]"}
	r := rand.New(rand.NewSource(3))
	for i := 0; i < 200; i++ {
		var b strings.Builder
		b.WriteString(firsts[r.Intn(len(firsts))] + "/")
		for n := 1 + r.Intn(4); n > 0; n-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		pat := b.String()
		if strings.HasSuffix(pat, `\`) {
			pat += "x"
		}
		budget := maxGlobEntries
		got, _ := glob(FS{}, filepath.Join(dir, pat), &budget)
		var files []string
		for _, g := range got {
			rel := strings.TrimPrefix(g, dir+"/")
			if slices.Contains(globLayout, rel) {
				files = append(files, rel)
			}
		}
		slices.Sort(files)
		cfg := filepath.Join(t.TempDir(), "config")
		os.WriteFile(cfg, []byte("Include "+strings.ReplaceAll(filepath.Join(dir, pat), `\`, `\\`)+"\n"), 0o600)
		out, err := exec.Command(ssh, "-G", "-F", cfg, "h").CombinedOutput()
		if err != nil {
			continue // ssh refused the line (a quote or escape it reads otherwise): nothing to compare
		}
		var want []string
		for _, l := range strings.Split(string(out), "\n") {
			if v, ok := strings.CutPrefix(l, "sendenv "); ok {
				want = append(want, names[v])
			}
		}
		slices.Sort(want)
		if !slices.Equal(files, want) {
			t.Errorf("Include %s: ssh -G read %q, keepalive's glob %q", pat, want, files)
		}
	}
}

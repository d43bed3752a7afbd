package resolve

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestGlobLikeFilepath: the bounded glob finds what filepath.Glob finds.
func TestGlobLikeFilepath(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"a/1.conf", "a/2.txt", "b/1.conf", "b/c/d.conf", "[x]/y", "e f/g.conf", ".hidden/h.conf"} {
		p = filepath.Join(dir, p)
		os.MkdirAll(filepath.Dir(p), 0o700)
		os.WriteFile(p, nil, 0o600)
	}
	for _, pat := range []string{"*", "*/*", "*/*.conf", "*/*/*", "[ab]/*", "a/1.conf", "a/missing", "missing/*", "*/c/*", `\[x\]/*`, "e f/*", "a/1.conf/*", "[", "a/["} {
		pattern := filepath.Join(dir, pat)
		want, wantErr := filepath.Glob(pattern)
		budget := maxGlobEntries
		got, err := glob(pattern, &budget)
		if !slices.Equal(got, want) || (err == nil) != (wantErr == nil) {
			t.Errorf("glob(%q) = %q, %v; filepath.Glob: %q, %v", pat, got, err, want, wantErr)
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
	if _, err := glob(filepath.Join(dir, "*"), &budget); !errors.Is(err, errGlobTooLarge) {
		t.Fatalf("300 entries with a budget of 100: %v", err)
	}
	// Through Resolve: the evaluation stops at the Include, with its position.
	cfg := filepath.Join(t.TempDir(), "config")
	os.WriteFile(cfg, []byte("Host a\nInclude /*/*/*/*/*/*/*/*\n"), 0o600)
	r := Resolve(Options{Files: []Input{{Path: cfg}}, Host: "a"})
	if r.Stopped == nil || r.Stopped.Pos != cfg+":2" {
		t.Fatalf("Include /*/*/*/*/*/*/*/* did not stop the evaluation at %s:2: %+v", cfg, r.Stopped)
	}
}

package edit

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/placement"
	"github.com/keepalive-ssh/keepalive/internal/resolve"
	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// TestEditReplacedDuringEdit: another program changes the config after
// keepalive read it and before it writes (an editor saving, a dotfile
// manager re-linking): keepalive writes nothing, keeps the other program's
// version, leaves no temp file and says so in one line, exit 1. The change
// is made from inside the plan, which runs between the read and the write.
func TestEditReplacedDuringEdit(t *testing.T) {
	const orig = "Host a\n  User a\n"
	const theirs = "Host a\n  User a\n  Port 2222\n"
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, dir, cfg string)
		want   string // the file (through the link) afterwards; "" for gone
	}{
		{"rewritten in place", func(t *testing.T, dir, cfg string) {
			writeTestFile(t, cfg, theirs)
		}, theirs},
		{"replaced by rename", func(t *testing.T, dir, cfg string) {
			writeTestFile(t, filepath.Join(dir, "new"), theirs)
			renameTestFile(t, filepath.Join(dir, "new"), cfg)
		}, theirs},
		{"removed", func(t *testing.T, dir, cfg string) {
			if err := os.Remove(cfg); err != nil {
				t.Fatal(err)
			}
		}, ""},
		{"symlink repointed", func(t *testing.T, dir, cfg string) {
			writeTestFile(t, filepath.Join(dir, "other.conf"), theirs)
			if err := os.Symlink("other.conf", filepath.Join(dir, "link.new")); err != nil {
				t.Fatal(err)
			}
			renameTestFile(t, filepath.Join(dir, "link.new"), filepath.Join(dir, "link"))
		}, theirs},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Setenv("HOME", dir)
			cfg := filepath.Join(dir, "config")
			writeTestFile(t, cfg, orig)
			path := cfg
			if strings.Contains(tc.name, "symlink") {
				if runtime.GOOS == "windows" {
					t.Skip("Unix only: symlinks (under Wine, make test-windows, os.Symlink creates nothing)")
				}
				path = filepath.Join(dir, "link")
				if err := os.Symlink("config", path); err != nil {
					t.Fatal(err)
				}
			}
			before := dirNames(t, dir)

			var errb bytes.Buffer
			settings := []placement.Setting{{Key: sshconf.ServerAliveInterval, Value: "300"}}
			tx := Config{
				Scope: placement.Scope{Host: "*", Opts: resolve.Options{
					Dialect: sshconf.Client, Home: dir, Files: []resolve.Input{{Path: path, User: true}},
				}},
				Plan: func(sc placement.Scope) (*placement.Plan, error) {
					p := placement.Enable(sc, settings)
					tc.change(t, dir, cfg)
					return p, nil
				},
				Summary: "test", Idle: "already set: test", Warn: &errb,
			}
			res, err := tx.Run()
			if err == nil {
				t.Fatalf("the edit went ahead over the other program's change: %+v", res)
			}
			msg := err.Error()
			var e *Error
			if !errors.As(err, &e) || e.Hint == "" || strings.Contains(msg, "\n") ||
				!strings.Contains(msg, path) || !strings.Contains(msg, "changed") {
				t.Errorf("want one line naming %s and saying it changed, with a hint: %q", path, msg)
			}
			got, rerr := os.ReadFile(path)
			switch {
			case tc.want == "" && rerr == nil:
				t.Errorf("the removed file was written again: %q", got)
			case tc.want != "" && string(got) != tc.want:
				t.Errorf("the other program's version was lost: %q", got)
			}
			if strings.Contains(tc.name, "symlink") {
				if b, _ := os.ReadFile(cfg); string(b) != orig {
					t.Errorf("the link's old target was written: %q", b)
				}
			}
			// No temp file: nothing new but what the change itself made.
			allowed := map[string]bool{"other.conf": true}
			for _, n := range before {
				allowed[n] = true
			}
			for _, n := range dirNames(t, dir) {
				if !allowed[n] {
					t.Errorf("%s appeared in the directory", n)
				}
			}
		})
	}
}

func writeTestFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}

func renameTestFile(t *testing.T, from, to string) {
	t.Helper()
	if err := os.Rename(from, to); err != nil {
		t.Fatal(err)
	}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

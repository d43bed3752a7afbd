package resolve

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// TestHostPatterns checks that every Host pattern is listed once, in read
// order, across Includes (relative, globbed, inside a block, in a loop),
// without negated patterns.
func TestHostPatterns(t *testing.T) {
	home := t.TempDir()
	write := func(rel, text string) {
		t.Helper()
		p := filepath.Join(home, ".ssh", rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("config", "Include conf.d/*.conf\r\nHost web1 web2 !bastion\r\n  User x\r\nHost work\r\n  Include ~/.ssh/work.conf\r\nHost *\r\n")
	write("conf.d/a.conf", "Host alpha\nHost web1\n")
	write("conf.d/b.conf", "Match host x\n  Include config\nHost beta*\n")
	write("work.conf", "Host db?.internal\n")

	got := HostPatterns(Options{
		Dialect: sshconf.Client,
		Home:    home,
		Files:   []Input{{Path: filepath.Join(home, ".ssh", "config"), User: true}},
	})
	want := []HostPattern{
		{"alpha", "conf.d/a.conf:1"},
		{"web1", "conf.d/a.conf:2"},
		{"beta*", "conf.d/b.conf:3"},
		{"web2", "config:2"},
		{"work", "config:4"},
		{"db?.internal", "work.conf:1"},
		{"*", "config:6"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d patterns %v, want %d", len(got), got, len(want))
	}
	for i := range want {
		want[i].Pos = filepath.Join(home, ".ssh", want[i].Pos)
		if got[i] != want[i] {
			t.Errorf("pattern %d = %v, want %v", i, got[i], want[i])
		}
	}
	if got := HostPatterns(Options{Dialect: sshconf.Server, Files: []Input{{Path: "/nonexistent"}}}); got != nil {
		t.Errorf("server config: got %v, want none", got)
	}
}

package resolve

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// sshd's Match Group (groupaccess.c, ga_match_pattern_list): any of the
// user's groups matching a pattern selects the block, but one matching a
// negated pattern vetoes it.
func TestServerMatchGroup(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "sshd_config")
	data := "ClientAliveInterval 1\nMatch Group staff,!wheel\n  ClientAliveInterval 2\n"
	if err := os.WriteFile(cfg, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		groups []string
		want   string
	}{
		{[]string{"staff"}, "2"},
		{[]string{"users", "staff"}, "2"},
		{[]string{"staff", "wheel"}, "1"},
		{[]string{"wheel", "staff"}, "1"},
		{[]string{"users"}, "1"},
		{nil, "1"},
	} {
		r := Resolve(Options{Dialect: sshconf.Server, Files: []Input{{Path: cfg}}, Conn: &Conn{User: "bob", Groups: tt.groups}})
		o, ok := r.Effective("ClientAliveInterval")
		if !ok || o.Line().Value() != tt.want {
			t.Errorf("groups %v: got %v, want %s", tt.groups, o.Line().Value(), tt.want)
		}
	}
}

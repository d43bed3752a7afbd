package cli

import (
	"bytes"
	"testing"
)

// TestCompletionRegistered checks that every command defining --host or
// --session completes it, so a new command cannot silently lose completion.
func TestCompletionRegistered(t *testing.T) {
	var out bytes.Buffer
	root := newRootCmd(Streams{Out: &out, Err: &out})
	seen := map[string]bool{}
	for _, c := range root.Commands() {
		for _, flag := range []string{"host", "session"} {
			if c.Flags().Lookup(flag) == nil {
				continue
			}
			seen[flag] = true
			if _, ok := c.GetFlagCompletionFunc(flag); !ok {
				t.Errorf("%s --%s has no completion", c.Name(), flag)
			}
		}
	}
	for _, flag := range []string{"host", "session"} {
		if !seen[flag] {
			t.Errorf("no command has --%s", flag)
		}
	}
}

// TestCompleteHostsNoConfig checks that completion without any config
// offers nothing instead of failing.
func TestCompleteHostsNoConfig(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	t.Setenv("SUDO_USER", "")
	var out bytes.Buffer
	root := newRootCmd(Streams{Out: &out, Err: &out})
	enable, _, err := root.Find([]string{"enable"})
	if err != nil {
		t.Fatal(err)
	}
	if got := completeHosts(enable, "", true); len(got) != 0 {
		t.Errorf("completeHosts with no config = %q, want none", got)
	}
}

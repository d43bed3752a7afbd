package cli

import "testing"

// TestWantsUser: the command lines that ask for the sudo user's own
// config, completion included, and those that do not.
func TestWantsUser(t *testing.T) {
	for _, c := range []struct {
		args []string
		want bool
	}{
		{[]string{"enable", "--user"}, true},
		{[]string{"disable", "--host", "x", "--user"}, true},
		{[]string{"enable", "--user=true", "--dry-run"}, true},
		{[]string{"__complete", "enable", "--user", "--host", ""}, true},
		{[]string{"__completeNoDesc", "disable", "--user", "--host", "a"}, true},
		{[]string{"enable"}, false},
		{[]string{"enable", "--user=false"}, false},
		{[]string{"enable", "--system"}, false},
		{[]string{"server", "--interval", "60"}, false},
		{[]string{"__complete", "enable", "--us"}, false},
		{[]string{"show"}, false},
		{[]string{"nosuchcommand", "--user"}, false},
		{nil, false},
	} {
		if got := wantsUser(c.args, SystemMachine()); got != c.want {
			t.Errorf("wantsUser(%q) = %v, want %v", c.args, got, c.want)
		}
	}
}

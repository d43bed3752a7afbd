package placement

import (
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/sshconf"
	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// TestEnableWalksOnce: the edits enable makes on a fleet (a Host * block
// at the end, a host's value updated or added to its block) are only
// keep-alive lines, so the evaluation after them comes from the first
// walk (resolve.Result.Edited) and the trees are walked once; one that
// can change other lines' evaluation (a "Match all" above the leading
// lines) is walked again.
func TestEnableWalksOnce(t *testing.T) {
	fleet := string(testenv.FleetConfig(300, "/nonexistent").Main)
	settings := []Setting{{Key: sshconf.ServerAliveInterval, Value: "60"}, {Key: sshconf.ServerAliveCountMax, Value: "2"}}
	for _, tc := range []struct {
		name, host, config string
		once               bool
	}{
		{"general, Host * reused", "", fleet, true},
		{"general, new Host * block", "", "Host a\n  User b\n", true},
		{"host's own value updated", "host157", fleet, true},
		{"host's block gets the value", "host3", fleet, true},
		{"host above leading lines", "x", "ServerAliveInterval 5\nHost y\n  User z\n", false},
	} {
		s := clientScope(t, tc.host, tc.config, nil)
		p := Enable(s, settings)
		if len(p.Changes) == 0 {
			t.Fatalf("%s: nothing changed", tc.name)
		}
		if once := p.base == p.unedited; once != tc.once {
			t.Errorf("%s: walked once %v, want %v", tc.name, once, tc.once)
		}
	}
}

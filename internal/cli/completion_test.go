package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/account"
)

// TestCompletionRegistered checks that every command defining --host or
// --session completes it, so a new command cannot silently lose completion.
func TestCompletionRegistered(t *testing.T) {
	var out bytes.Buffer
	root := newRootCmd(Streams{Out: &out, Err: &out}, sysMachine())
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
	setHome(t, t.TempDir())
	t.Setenv("SUDO_USER", "")
	var out bytes.Buffer
	root := newRootCmd(Streams{Out: &out, Err: &out}, sysMachine())
	enable, _, err := root.Find([]string{"enable"})
	if err != nil {
		t.Fatal(err)
	}
	if got := completeHosts(enable, "", true); len(got) != 0 {
		t.Errorf("completeHosts with no config = %q, want none", got)
	}
}

// TestHostCompletionFiles checks which files --host suggestions come from:
// the file the command edits, or for show what ssh itself reads.
func TestHostCompletionFiles(t *testing.T) {
	home := t.TempDir()
	setHome(t, home)
	t.Setenv("SUDO_USER", "")
	acct, err := account.Current(false)
	if err != nil {
		t.Fatal(err)
	}
	pw := acct.PwHome
	if pw == "" {
		pw = home
	}
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"enable"}, []string{account.UserConfig(home)}},
		{[]string{"disable", "--system", "--root", "/r"}, []string{account.SystemClientConfig("/r")}},
		{[]string{"enable", "--file", "x.conf"}, []string{"x.conf"}},
		{[]string{"show"}, []string{account.UserConfig(pw), account.SystemClientConfig("")}},
		{[]string{"show", "--file", "x.conf"}, []string{"x.conf"}},
	} {
		var out bytes.Buffer
		root := newRootCmd(Streams{Out: &out, Err: &out}, sysMachine())
		cmd, rest, err := root.Find(tc.args)
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.ParseFlags(rest); err != nil {
			t.Fatal(err)
		}
		opts, err := hostCompletionOptions(cmd)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, in := range opts.Files {
			got = append(got, in.Path)
		}
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("%v: files %q, want %q", tc.args, got, tc.want)
		}
	}
}

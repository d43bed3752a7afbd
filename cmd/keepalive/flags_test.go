//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Accepted ranges, as the messages state them.
const (
	intervalRange = "from 1s to 2147483647s"
	countRange    = "from 1 to 2147483647"
	maxRange      = "from 5s to 4h"
)

// testBadFlags: bad values and conflicting flags for every command that
// takes them exit 2 with a message that names the flag and, for a value,
// the accepted range, and touch nothing.
func (k *keepalive) testBadFlags(t *testing.T) {
	dir := scratch(t)
	cfg := writeFile(t, filepath.Join(dir, "config"), []byte("Host a\n  User b\n"), 0o600)
	sshd := writeFile(t, filepath.Join(dir, "sshd_config"), []byte("Port 22\n"), 0o600)
	os.MkdirAll(filepath.Join(dir, ".putty", "sessions"), 0o700)
	session := writeFile(t, filepath.Join(dir, ".putty", "sessions", "s"), []byte("HostName=a\n"), 0o600)
	before := map[string][]byte{cfg: readFile(t, cfg), sshd: readFile(t, sshd), session: readFile(t, session)}

	type row struct {
		args []string
		want []string // what the one error line must say
	}
	var rows []row
	// The same bad values for each command's --interval and --count.
	for _, cmd := range [][]string{
		{"enable", "--file", cfg},
		{"server", "--file", sshd, "--no-validate"},
		{"putty"},
	} {
		for _, v := range []string{"-1", "-300", "0", "0s", "abc", "5x", "1m-5s", "", " 5", "+5", "1.5", "2147483648", "99999999999999999999999", "596524h"} {
			rows = append(rows, row{append(cmd[:len(cmd):len(cmd)], "--interval", v), []string{"--interval", intervalRange}})
		}
		if cmd[0] == "putty" {
			continue // PuTTY has no count
		}
		for _, v := range []string{"-1", "0", "abc", "", "1.5", "0x10", "1e3", "2147483648", "99999999999999999999999"} {
			rows = append(rows, row{append(cmd[:len(cmd):len(cmd)], "--count", v), []string{"--count", countRange}})
		}
	}
	for _, v := range []string{"0", "-1", "4s", "abc", "4h1s", "99999999999"} {
		rows = append(rows, row{[]string{"probe", "--max", v, "host.invalid"}, []string{"--max", maxRange}})
	}
	rows = append(rows,
		row{[]string{"enable", "--user", "--system"}, []string{"--user", "--system"}},
		row{[]string{"disable", "--user", "--system"}, []string{"--user", "--system"}},
		row{[]string{"disable", "--server", "--putty"}, []string{"--server", "--putty"}},
		row{[]string{"disable", "--system", "--server"}, []string{"--system", "--server"}},
		row{[]string{"disable", "--session", "s"}, []string{"--session", "--putty"}},
		row{[]string{"enable", "--host", "", "--file", cfg}, []string{"--host"}},
		row{[]string{"enable", "--host", "a b", "--file", cfg}, []string{"--host"}},
		row{[]string{"enable", "--host", "!a", "--file", cfg}, []string{"--host"}},
		row{[]string{"putty", "--session", ""}, []string{"--session"}},
		row{[]string{"putty", "--list", "--interval", "60"}, []string{"--list", "--interval"}},
		row{[]string{"enable", "--interval"}, []string{"--interval"}},
		row{[]string{"enable", "--no-such-flag"}, []string{"--no-such-flag"}},
		row{[]string{"enable", "stray"}, []string{"no arguments"}},
	)

	for _, row := range rows {
		r := k.run(t, dir, row.args...)
		if r.code != 2 {
			t.Errorf("want exit 2: %v", r)
			continue
		}
		line := strings.SplitN(r.stderr, "\n", 2)[0]
		for _, w := range row.want {
			if !strings.Contains(line, w) {
				t.Errorf("keepalive %q: %q does not say %q", row.args, line, w)
			}
		}
		if strings.Count(r.stderr, "\n") > 2 || r.stdout != "" {
			t.Errorf("want one error line (and a hint) only: %v", r)
		}
	}
	for p, b := range before {
		sameBytes(t, p, b)
	}
	onlyFiles(t, dir, ".putty", "config", "sshd_config")
}

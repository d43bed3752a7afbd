package resolve

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/sshconf"
	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// active lists an evaluation's active occurrences as "path:line key pass".
func active(r *Result) []string {
	var out []string
	for _, o := range r.Occurrences {
		if o.State == Active {
			out = append(out, fmt.Sprintf("%s %s %d", o.Pos(), o.Key, o.Pass))
		}
	}
	return out
}

// TestSkipSameActive: an evaluation that skips blocks (Options.Skip)
// finds the same active lines, for every host a config names, as one that
// walks every line, on the generated fleet, tricky configs and the corpus.
func TestSkipSameActive(t *testing.T) {
	home := t.TempDir()
	fleet := testenv.FleetConfig(3000, filepath.Join(home, ".ssh", "fleet.d"))
	files := map[string]string{".ssh/config": string(fleet.Main)}
	for name, b := range fleet.Included {
		files[".ssh/fleet.d/"+name] = string(b)
	}
	configs := []map[string]string{files,
		{".ssh/config": "Host a\n  HostName b\nMatch host b\n  ServerAliveInterval 5\nHost b\n  ServerAliveInterval 6\nMatch host a\n  ServerAliveInterval 7\n"},
		{".ssh/config": "Host a A\n  HostName %h.example.com\n  CanonicalizeHostname yes\nMatch host a.example.com\n  ServerAliveInterval 5\nHost a.example.com\n  ServerAliveInterval 6\nHost *\n  ServerAliveCountMax 9\n"},
		{".ssh/config": "Host a !b\n  Include inc\n  ServerAliveInterval 1\nHost b\n  ServerAliveInterval 2\nMatch final host a\n  ServerAliveInterval 3\nMatch host A,c\n  TCPKeepAlive no\n", ".ssh/inc": "ServerAliveCountMax 4\nHost a\n  ServerAliveCountMax 5\n"},
		{".ssh/config": "Host \"x y\" z\n  ServerAliveInterval 1\nMatch host \"z\"\n  ServerAliveInterval 2\nMatch host=z\n  ServerAliveInterval 3\nMatch Host z\n ServerAliveCountMax 1\nHost\nHost z\n  Port 2\n"},
		// Wildcard patterns, indexed by their literal start or end.
		{".ssh/config": "Host web* !web2\n  ServerAliveInterval 5\nHost *.example.com\n  ServerAliveInterval 6\nHost a?c x*y\n  ServerAliveCountMax 3\nHost !x\n  ServerAliveCountMax 8\nHost *b* y\n  ServerAliveInterval 11\nHost WEB?\n  ServerAliveInterval 12\nHost *\n  TCPKeepAlive no\n"},
		{".ssh/config": "Host x y\n  HostName 10.1.2.3\nHost web1\n  HostName WEB1.Example.COM\nMatch host 10.1.2.* user tester\n  ServerAliveInterval 7\nMatch host 10.1.* !user tester\n  ServerAliveInterval 8\n" +
			"Match Host *.2.3,!10.9.* localuser tester\n  ServerAliveCountMax 9\nMatch host 10.1.2.* tagged t\n  ServerAliveInterval 1\nMatch host WEB*\n  ServerAliveInterval 2\n" +
			"Match originalhost x host 10.*\n  ServerAliveCountMax 4\nMatch host *.example.com\n  ServerAliveInterval 13\nMatch !host 10.* user tester\n  ServerAliveCountMax 5\nMatch host !10.1.2.3\n  ServerAliveInterval 14\n" +
			"Match host 10.* exec true\n  ServerAliveInterval 15\nMatch all\n  ServerAliveCountMax 6\nMatch host 10.1.2.? all\n  ServerAliveInterval 16\n"},
	}
	configs = append(configs, manyFiles(), bomb())
	for _, kind := range []string{"client"} {
		for _, c := range testenv.CorpusTexts(t, kind) {
			configs = append(configs, map[string]string{".ssh/config": c.Text})
		}
	}
	for ci, files := range configs {
		dir := home
		if ci > 0 {
			dir = layout(t, files)
		} else {
			for name, body := range files {
				p := filepath.Join(home, name)
				if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
					t.Fatal(err)
				}
			}
		}
		opts := Options{Dialect: sshconf.Client, Home: dir, LocalUser: "tester", Host: "x",
			Files: []Input{{Path: filepath.Join(dir, ".ssh", "config"), User: true}}}
		first := Resolve(opts)
		parsed := map[string]*sshconf.File{}
		for _, d := range first.Docs {
			parsed[d.Path] = d.File
		}
		hosts := []string{"x", "z", "A", "a.example.com", "10.0.0.13", "keepalive-probe.invalid",
			"web1", "web2", "WEB1", "abc", "xay", "y", "b", "10.1.2.3", "host7.example.com",
			"n1", "n30", "n33", "n110", "n111", "n250", "n399", "n1005", "xn"}
		for _, hp := range HostPatterns(opts) {
			hosts = append(hosts, strings.NewReplacer("*", "k", "?", "q").Replace(hp.Pattern))
		}
		if len(hosts) > 400 {
			hosts = hosts[:400]
		}
		if _, ok := files[".ssh/b0/0.conf"]; ok {
			hosts = []string{"n1", "n1005", "n1199", "x"} // each walk runs to the budget
		}
		skip := NewSkip(hosts[:len(hosts)*2/3]...) // the others: not indexed, walked in full
		for _, h := range hosts {
			o := opts
			o.Host, o.Override = h, parsed
			o.Keys = []string{"serveraliveinterval", "serveralivecountmax", "tcpkeepalive", "batchmode"}
			full := Resolve(o)
			want := active(full)
			o.Skip = skip
			r := Resolve(o)
			if got := active(r); !reflect.DeepEqual(got, want) {
				t.Fatalf("config %d, host %q: with Skip %q, without %q", ci, h, got, want)
			}
			// What it skips is charged as if walked: it stops where the
			// walk does.
			if r.steps != full.steps || (r.Stopped == nil) != (full.Stopped == nil) {
				t.Fatalf("config %d, host %q: with Skip %d steps (stopped %v), without %d (stopped %v)", ci, h, r.steps, r.Stopped, full.steps, full.Stopped)
			}
		}
	}
}

// TestContainsFold: the byte-wise search agrees with strings.EqualFold at
// every position, Unicode folding (ſ, K) included.
func TestContainsFold(t *testing.T) {
	ref := func(s, sub string) bool {
		for i := 0; i+len(sub) <= len(s); i++ {
			if strings.EqualFold(s[i:i+len(sub)], sub) {
				return true
			}
		}
		return false
	}
	for _, s := range []string{"", "Match exec x", "EXEC", "eXeC", "exe", "Match ALL", "aLl", "al", "LocalPort 22", "localpor",
		"\u017fall", "a\u212all", "ex\u00e9c", "Match final host a", "xexecx"} {
		for _, sub := range []string{"exec", "all", "localport", "s", "k"} {
			if got, want := containsFold(s, sub), ref(s, sub); got != want {
				t.Errorf("containsFold(%q, %q) = %v, want %v", s, sub, got, want)
			}
		}
	}
}

// manyFiles is a config split into many Included files, as a fleet tool
// writes one per team: blocks of plain names, a file with lines before
// its first block, one with Host *, one with a wildcard, one that
// Includes another, one also Included by name, the glob Included twice
// and once from a block that does not apply.
func manyFiles() map[string]string {
	files := map[string]string{".ssh/config": "Include d/*.conf\nHost nomatch\n  Include d/*.conf\nInclude d/07.conf\nHost *\n  ServerAliveCountMax 3\nInclude d/*.conf\n"}
	for k := range 40 {
		var b strings.Builder
		switch k {
		case 3:
			b.WriteString("ServerAliveInterval 1\n")
		case 5:
			b.WriteString("Host *\n  ServerAliveCountMax 5\n")
		case 9:
			b.WriteString("Host x*\n  ServerAliveInterval 9\n")
		case 11:
			b.WriteString("Host n110\n  Include extra\n")
		}
		for j := range 10 {
			i := k*10 + j
			fmt.Fprintf(&b, "Host n%d n%d.example.org\n  HostName 10.0.%d.%d\n", i, i, k, j)
			if i%3 == 0 {
				fmt.Fprintf(&b, "  ServerAliveInterval %d\n", 100+i)
			}
		}
		files[fmt.Sprintf(".ssh/d/%02d.conf", k)] = b.String()
	}
	files[".ssh/extra"] = "ServerAliveCountMax 7\n"
	return files
}

// bomb Includes files that Include each other ten times over, until the
// budget stops the walk in a run of files that could be skipped.
func bomb() map[string]string {
	files := map[string]string{".ssh/config": "Host n1\n  ServerAliveInterval 4\nInclude b0/*.conf\nHost *\n  ServerAliveInterval 5\n"}
	for level := range 5 {
		for k := range 10 {
			var b strings.Builder
			for j := range 20 {
				fmt.Fprintf(&b, "Host n%d\n  Port %d\n", 1000+k*20+j, j)
			}
			if level < 4 {
				fmt.Fprintf(&b, "Include b%d/*.conf\n", level+1)
			}
			files[fmt.Sprintf(".ssh/b%d/%d.conf", level, k)] = b.String()
		}
	}
	return files
}

// TestSkipFilesReadBefore: a file an Include pattern expands to that was
// read before (here as the first top-level config) is skipped without
// charging its bytes again, as the walk would not; and one skipped whole
// and read after (as the second) is not charged twice either.
func TestSkipFilesReadBefore(t *testing.T) {
	for _, before := range []bool{true, false} {
		skipFilesRead(t, before)
	}
}

func skipFilesRead(t *testing.T, before bool) {
	files := map[string]string{".ssh/config": "Include d/*.conf\nHost *\n  ServerAliveCountMax 2\n"}
	for k := range 5 {
		files[fmt.Sprintf(".ssh/d/%d.conf", k)] = fmt.Sprintf("Host a%d\n  ServerAliveInterval %d\nHost b%d\n  Port 22\n", k, k+1, k)
	}
	home := layout(t, files)
	opts := Options{Dialect: sshconf.Client, Home: home, LocalUser: "tester",
		Files: []Input{{Path: filepath.Join(home, ".ssh", "d", "2.conf"), User: true}, {Path: filepath.Join(home, ".ssh", "config"), User: true}}}
	if !before {
		opts.Files[0], opts.Files[1] = opts.Files[1], opts.Files[0]
	}
	first := Resolve(opts)
	opts.Override = map[string]*sshconf.File{}
	for _, d := range first.Docs {
		opts.Override[d.Path] = d.File
	}
	opts.Keys, opts.NoProblems = []string{"serveraliveinterval", "serveralivecountmax"}, true
	skip := NewSkip("a0", "a3", "b4")
	for _, h := range []string{"a0", "a3", "b4"} {
		opts.Host, opts.Skip = h, nil
		full := Resolve(opts)
		opts.Skip = skip
		r := Resolve(opts)
		if got, want := active(r), active(full); !reflect.DeepEqual(got, want) || r.steps != full.steps {
			t.Errorf("read before %v, host %s: with Skip %q in %d steps, without %q in %d", before, h, got, r.steps, want, full.steps)
		}
	}
}

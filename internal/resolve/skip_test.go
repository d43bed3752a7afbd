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
	for _, kind := range []string{"client"} {
		for _, p := range testenv.CorpusFiles(t, kind) {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			configs = append(configs, map[string]string{".ssh/config": string(data)})
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
			"web1", "web2", "WEB1", "abc", "xay", "y", "b", "10.1.2.3", "host7.example.com"}
		for _, hp := range HostPatterns(opts) {
			hosts = append(hosts, strings.NewReplacer("*", "k", "?", "q").Replace(hp.Pattern))
		}
		if len(hosts) > 400 {
			hosts = hosts[:400]
		}
		skip := NewSkip(hosts[:len(hosts)*2/3]...) // the others: not indexed, walked in full
		for _, h := range hosts {
			o := opts
			o.Host, o.Override = h, parsed
			o.Keys = []string{"serveraliveinterval", "serveralivecountmax", "tcpkeepalive", "batchmode"}
			want := active(Resolve(o))
			o.Skip = skip
			if got := active(Resolve(o)); !reflect.DeepEqual(got, want) {
				t.Fatalf("config %d, host %q: with Skip %q, without %q", ci, h, got, want)
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

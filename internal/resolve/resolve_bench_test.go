package resolve

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/testenv"

	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// BenchmarkResolve reads, parses and evaluates a config from disk for a
// host in the middle of the file, as "keepalive show --host" does.
func BenchmarkResolve(b *testing.B) {
	for _, n := range testenv.BenchSizes {
		path := filepath.Join(b.TempDir(), "config")
		if err := os.WriteFile(path, testenv.HostsConfig(n), 0o600); err != nil {
			b.Fatal(err)
		}
		opts := Options{
			Dialect: sshconf.Client,
			Home:    b.TempDir(),
			Files:   []Input{{Path: path, User: true}},
			Host:    "host" + strconv.Itoa(n/2),
		}
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r := Resolve(opts)
				if o, ok := r.Effective("port"); !ok || o.Line().Value() != strconv.Itoa(2200+n/2%100) {
					b.Fatalf("Port = %v %v", o, ok)
				}
			}
		})
	}
}

// BenchmarkResolveParsed evaluates an already parsed tree (what placement
// does after each planned edit): no I/O, no parsing. "all" records every
// directive; "keys" only the two keep-alive keywords, as placement asks.
func BenchmarkResolveParsed(b *testing.B) {
	for _, keys := range []struct {
		name string
		keys []string
	}{{"all", nil}, {"keys", []string{sshconf.ServerAliveInterval, sshconf.ServerAliveCountMax}}} {
		for _, n := range testenv.BenchSizes {
			const path = "/bench/config"
			opts := Options{
				Dialect:  sshconf.Client,
				Files:    []Input{{Path: path, User: true}},
				Host:     "keepalive-probe.invalid",
				Override: map[string]*sshconf.File{path: sshconf.Parse(testenv.HostsConfig(n))},
				Keys:     keys.keys,
			}
			b.Run(keys.name+"/"+strconv.Itoa(n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					Resolve(opts)
				}
			})
		}
	}
}

// TestKeysSubset checks the optimization the benchmarks measure: with
// Options.Keys, Occurrences are exactly those of a full evaluation for the
// keys asked, including when Match depends on keys not asked about.
func TestKeysSubset(t *testing.T) {
	const path = "/t/config"
	config := `HostName %h.example.com
Tag fast
Match host *.example.com tagged fast user bob
  ServerAliveInterval 10
Host a* !ab
  protocolkeepalives 20
  User bob
Match final host a.example.com
  ServerAliveCountMax 3
Host *
  ServerAliveInterval 30
  ServerAliveCountMax 4
  Port 22
`
	for _, host := range []string{"a", "ab", "b"} {
		opts := Options{
			Dialect:  sshconf.Client,
			Files:    []Input{{Path: path, User: true}},
			Host:     host,
			Override: map[string]*sshconf.File{path: sshconf.Parse([]byte(config))},
		}
		all := Resolve(opts)
		opts.Keys = []string{"ServerAliveInterval", "serveralivecountmax"}
		some := Resolve(opts)
		var got, want []string
		for _, o := range all.Occurrences {
			if o.Key == "serveraliveinterval" || o.Key == "serveralivecountmax" {
				want = append(want, fmt.Sprint(o.Pos(), o.Key, o.State, o.Pass, o.Header.Raw, o.Depth))
			}
		}
		for _, o := range some.Occurrences {
			got = append(got, fmt.Sprint(o.Pos(), o.Key, o.State, o.Pass, o.Header.Raw, o.Depth))
		}
		if fmt.Sprint(got) != fmt.Sprint(want) || len(want) == 0 {
			t.Errorf("host %s: Keys gives\n%q, want\n%q", host, got, want)
		}
		if fmt.Sprint(some.Problems) != fmt.Sprint(all.Problems) {
			t.Errorf("host %s: Keys changes problems: %v, want %v", host, some.Problems, all.Problems)
		}
	}
}

// BenchmarkEdited is the evaluation after enable's edit of a fleet (a
// ServerAliveInterval added to its Host * block): "edited" answers it
// from the walk before (Result.Edited), "walked" walks the edited tree
// again, as every edit did before.
func BenchmarkEdited(b *testing.B) {
	for _, n := range testenv.FleetSizes {
		const path = "/bench/config"
		f := sshconf.ParseString(string(testenv.FleetConfig(n, "/nonexistent").Main))
		opts := Options{
			Dialect: sshconf.Client, Home: "/bench", Host: "keepalive-probe.invalid", NoProblems: true,
			Files:    []Input{{Path: path, User: true}},
			Override: map[string]*sshconf.File{path: f},
			Keys:     []string{sshconf.ServerAliveInterval, sshconf.ServerAliveCountMax},
		}
		before := Resolve(opts)
		f.Insert(len(f.Lines), "    ServerAliveInterval 60")
		b.Run("edited/"+strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, ok := before.Edited(opts); !ok {
					b.Fatal("Edited did not answer")
				}
			}
		})
		b.Run("walked/"+strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Resolve(opts)
			}
		})
	}
}

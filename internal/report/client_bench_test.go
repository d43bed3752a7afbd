package report

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/resolve"
	"github.com/keepalive-ssh/keepalive/internal/sshconf"
	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// BenchmarkClient is show's client section on a realistic fleet
// (testenv.FleetConfig) for a host with a keep-alive of its own, on files
// parsed once: the evaluations and the findings, without reading and
// parsing. "all" explains every other host's keep-alive line too (--all);
// "own" is the fleet where every host has a ServerAliveInterval of its own
// (testenv.FleetConfigShare 100; FleetConfig: 2%).
func BenchmarkClient(b *testing.B) {
	for _, n := range testenv.FleetSizes {
		benchClient(b, n, 2)
	}
	for _, n := range testenv.FleetSizes[:2] {
		benchClient(b, n, 100)
	}
}

func benchClient(b *testing.B, n, percent int) {
	dir := b.TempDir()
	inc := filepath.Join(dir, "conf.d")
	if err := os.Mkdir(inc, 0o700); err != nil {
		b.Fatal(err)
	}
	f := testenv.FleetConfigShare(n, inc, percent)
	write := func(path string, data []byte) {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			b.Fatal(err)
		}
	}
	for name, data := range f.Included {
		write(filepath.Join(inc, name), data)
	}
	path := filepath.Join(dir, "config")
	write(path, f.Main)
	opts := resolve.Options{Dialect: sshconf.Client, Files: []resolve.Input{{Path: path, User: true}}, Host: testenv.FleetHostShare(n, percent)}
	parsed := map[string]*sshconf.File{}
	for _, d := range resolve.Resolve(opts).Docs {
		parsed[d.Path] = d.File
	}
	opts.Override = parsed
	for _, all := range []bool{false, true} {
		name := strconv.Itoa(n)
		if all {
			name = "all/" + name
		}
		if percent == 100 {
			name = "own/" + name
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				o := opts
				r := Build(Options{Client: &o, AllHosts: all})
				if r.Client.ServerAliveInterval.Source == SourceDefault {
					b.Fatal("the host's own ServerAliveInterval was not found")
				}
			}
		})
	}
}

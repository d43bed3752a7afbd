package placement

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/testenv"

	"github.com/keepalive-ssh/keepalive/internal/resolve"
	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

var benchSettings = []Setting{
	{Key: sshconf.ServerAliveInterval, Value: "300"},
	{Key: sshconf.ServerAliveCountMax, Value: "2"},
}

func benchScope(b *testing.B, data []byte) Scope {
	path := filepath.Join(b.TempDir(), "config")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		b.Fatal(err)
	}
	return Scope{Host: "*", Opts: resolve.Options{
		Dialect: sshconf.Client,
		Home:    b.TempDir(),
		Files:   []resolve.Input{{Path: path, User: true}},
	}}
}

// BenchmarkEnable plans "keepalive enable" (a new Host * block at the end)
// from reading the file to the list of changed files: everything but the
// atomic write.
func BenchmarkEnable(b *testing.B) {
	for _, n := range testenv.BenchSizes {
		s := benchScope(b, testenv.HostsConfig(n))
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p := Enable(s, benchSettings)
				if len(p.Changed()) != 1 || len(p.Shadowed) > 0 {
					b.Fatalf("changed %q, shadowed %v", p.Changed(), p.Shadowed)
				}
			}
		})
	}
}

// BenchmarkEnableUnchanged plans enable on a file that already has the
// settings: the second run, which must find nothing to do.
func BenchmarkEnableUnchanged(b *testing.B) {
	for _, n := range testenv.BenchSizes {
		data := append(testenv.HostsConfig(n), "Host *\n    ServerAliveInterval 300\n    ServerAliveCountMax 2\n"...)
		s := benchScope(b, data)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if p := Enable(s, benchSettings); len(p.Changed()) != 0 {
					b.Fatalf("changed %q", p.Changed())
				}
			}
		})
	}
}

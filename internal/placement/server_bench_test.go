package placement

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/resolve"
	"github.com/keepalive-ssh/keepalive/internal/sshconf"
	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// BenchmarkEnableServer plans "keepalive server" on an sshd_config with n
// Match blocks (testenv.SshdConfig), from reading the file to the list of
// changed files, as edit.Server uses the plan: the global values
// ("enable"), the second run that finds them set ("unchanged", which
// reuses the plan's evaluation for "already set ... in FILE"), and a
// Match block of its own ("match"). Each asks the plan for the pid file,
// as a reload does.
func BenchmarkEnableServer(b *testing.B) {
	defaults := []Setting{{Key: sshconf.ClientAliveInterval, Value: "60", Default: true}, {Key: sshconf.ClientAliveCountMax, Value: "2", Default: true}}
	for _, n := range testenv.FleetSizes {
		data := testenv.SshdConfig(n)
		path := filepath.Join(b.TempDir(), "sshd_config")
		s := Scope{Opts: resolve.Options{Dialect: sshconf.Server, Files: []resolve.Input{{Path: path}}}}
		write := func(data []byte) {
			if err := os.WriteFile(path, data, 0o600); err != nil {
				b.Fatal(err)
			}
		}
		for _, tt := range []struct {
			name  string
			match string
			setup func() // makes the file the run starts from
			want  int    // files changed
		}{
			{"enable", "", func() { write(data) }, 1},
			{"unchanged", "", func() { write(data); write(EnableServer(s, defaults, "").Files[path].Bytes()) }, 0},
			{"match", "User keepalive-bench", func() { write(data) }, 1},
		} {
			b.Run(tt.name+"/"+strconv.Itoa(n), func(b *testing.B) {
				tt.setup()
				b.ReportAllocs()
				b.SetBytes(int64(len(data)))
				for b.Loop() {
					p := EnableServer(s, defaults, tt.match)
					if len(p.Changed()) != tt.want || len(p.Shadowed) > 0 {
						b.Fatalf("changed %q, shadowed %v", p.Changed(), p.Shadowed)
					}
					if p.Evaluated(nil, "pidfile") == nil && tt.match == "" {
						b.Fatal("the plan did not keep its evaluation")
					}
				}
			})
		}
	}
}

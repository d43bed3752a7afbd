package resolve

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

var benchSizes = []int{100, 10_000, 100_000}

// benchConfig generates, deterministically, n Host blocks with HostName,
// User and Port (the shape scripts/bench.sh uses).
func benchConfig(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, "Host host%d\n    HostName ip-10-%d-%d-%d.eu-west-1.compute.internal\n    User ec2-user\n    Port %d\n\n",
			i, i>>16&255, i>>8&255, i&255, 2200+i%100)
	}
	return b.Bytes()
}

// BenchmarkResolve reads, parses and evaluates a config from disk for a
// host in the middle of the file, as "keepalive show --host" does.
func BenchmarkResolve(b *testing.B) {
	for _, n := range benchSizes {
		path := filepath.Join(b.TempDir(), "config")
		if err := os.WriteFile(path, benchConfig(n), 0o600); err != nil {
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
// does after each planned edit): no I/O, no parsing.
func BenchmarkResolveParsed(b *testing.B) {
	for _, n := range benchSizes {
		const path = "/bench/config"
		opts := Options{
			Dialect:  sshconf.Client,
			Files:    []Input{{Path: path, User: true}},
			Host:     "keepalive-probe.invalid",
			Override: map[string]*sshconf.File{path: sshconf.Parse(benchConfig(n))},
		}
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Resolve(opts)
			}
		})
	}
}

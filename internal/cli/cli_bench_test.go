package cli

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

func benchStreams() (Streams, *bytes.Buffer) {
	var errb bytes.Buffer
	return Streams{In: strings.NewReader(""), Out: io.Discard, Err: &errb}, &errb
}

// BenchmarkEnable is a whole "keepalive enable --file F" run as the binary
// does it: flags, lock, read, plan, atomic write with fsync. The file is
// put back (untimed) before each run.
func BenchmarkEnable(b *testing.B) {
	for _, n := range testenv.BenchSizes {
		data := testenv.HostsConfig(n)
		path := filepath.Join(b.TempDir(), "config")
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for range b.N {
				b.StopTimer()
				if err := os.WriteFile(path, data, 0o600); err != nil {
					b.Fatal(err)
				}
				s, errb := benchStreams()
				b.StartTimer()
				if code := Main([]string{"enable", "--file", path}, s); code != 0 {
					b.Fatalf("exit %d: %s", code, errb)
				}
			}
		})
	}
}

// BenchmarkEnableUnchanged is the second run: nothing to write.
func BenchmarkEnableUnchanged(b *testing.B) {
	for _, n := range testenv.BenchSizes {
		data := append(testenv.HostsConfig(n), "Host *\n    ServerAliveInterval 300\n    ServerAliveCountMax 2\n"...)
		path := filepath.Join(b.TempDir(), "config")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			b.Fatal(err)
		}
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s, errb := benchStreams()
				if code := Main([]string{"enable", "--file", path}, s); code != 0 {
					b.Fatalf("exit %d: %s", code, errb)
				}
			}
		})
	}
}

// BenchmarkVersion is the fixed cost of a run: building the command tree.
func BenchmarkVersion(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		s, _ := benchStreams()
		if code := Main([]string{"--version"}, s); code != 0 {
			b.Fatalf("exit %d", code)
		}
	}
}

// BenchmarkShow is "keepalive show --json --host H --file F" for a host in
// the middle of the file, the counterpart of "ssh -G -F F H".
func BenchmarkShow(b *testing.B) {
	for _, n := range testenv.BenchSizes {
		path := filepath.Join(b.TempDir(), "config")
		if err := os.WriteFile(path, testenv.HostsConfig(n), 0o600); err != nil {
			b.Fatal(err)
		}
		host := "host" + strconv.Itoa(n/2)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s, errb := benchStreams()
				if code := Main([]string{"show", "--json", "--host", host, "--file", path}, s); code != 0 {
					b.Fatalf("exit %d: %s", code, errb)
				}
			}
		})
	}
}

// writeFleet writes testenv.FleetConfig(n) under dir and returns the main
// file's path.
func writeFleet(b *testing.B, n int, dir string) string {
	b.Helper()
	inc := filepath.Join(dir, "conf.d")
	if err := os.MkdirAll(inc, 0o700); err != nil {
		b.Fatal(err)
	}
	f := testenv.FleetConfig(n, inc)
	for name, data := range f.Included {
		if err := os.WriteFile(filepath.Join(inc, name), data, 0o600); err != nil {
			b.Fatal(err)
		}
	}
	path := filepath.Join(dir, "config")
	if err := os.WriteFile(path, f.Main, 0o600); err != nil {
		b.Fatal(err)
	}
	return path
}

// runBench runs one command line per iteration; prepare (untimed) runs
// before each.
func runBench(b *testing.B, args []string, prepare func()) {
	b.ReportAllocs()
	for range b.N {
		if prepare != nil {
			b.StopTimer()
			prepare()
			b.StartTimer()
		}
		s, errb := benchStreams()
		if code := Main(args, s); code != 0 {
			b.Fatalf("%q: exit %d: %s", args, code, errb)
		}
	}
}

// BenchmarkFleetShow is "keepalive show --host H --file F" on a realistic
// fleet (testenv.FleetConfig) for a host with a keep-alive of its own;
// with --all ("all/N") every other host-specific value is explained too,
// which evaluates the config for each such host.
func BenchmarkFleetShow(b *testing.B) {
	for _, n := range testenv.FleetSizes {
		path := writeFleet(b, n, b.TempDir())
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			runBench(b, []string{"show", "--no-server", "--no-putty", "--host", testenv.FleetHost(n), "--file", path}, nil)
		})
		b.Run("all/"+strconv.Itoa(n), func(b *testing.B) {
			runBench(b, []string{"show", "--all", "--no-server", "--no-putty", "--host", testenv.FleetHost(n), "--file", path}, nil)
		})
	}
}

// BenchmarkFleetEnable is "keepalive enable --no-validate --interval 60
// --file F" (keepalive's own work: validation runs ssh -G) on a
// fresh copy of a fleet, then again with nothing to do, then disable.
func BenchmarkFleetEnable(b *testing.B) {
	for _, n := range testenv.FleetSizes {
		path := writeFleet(b, n, b.TempDir())
		orig, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		restore := func() {
			if err := os.WriteFile(path, orig, 0o600); err != nil {
				b.Fatal(err)
			}
		}
		enable := []string{"enable", "--no-validate", "--interval", "60", "--file", path}
		b.Run("enable/"+strconv.Itoa(n), func(b *testing.B) { runBench(b, enable, restore) })
		restore()
		s, _ := benchStreams()
		Main(enable, s)
		b.Run("unchanged/"+strconv.Itoa(n), func(b *testing.B) { runBench(b, enable, nil) })
		enabled, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		b.Run("disable/"+strconv.Itoa(n), func(b *testing.B) {
			runBench(b, []string{"disable", "--no-validate", "--file", path}, func() {
				if err := os.WriteFile(path, enabled, 0o600); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

// BenchmarkFleetServer is "keepalive server --no-validate --file F" on a
// fresh copy of an sshd_config with n Match blocks (testenv.SshdConfig);
// "unchanged/N" is the second run, which finds the values set.
func BenchmarkFleetServer(b *testing.B) {
	for _, n := range testenv.FleetSizes {
		data := testenv.SshdConfig(n)
		path := filepath.Join(b.TempDir(), "sshd_config")
		args := []string{"server", "--no-validate", "--file", path}
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			runBench(b, args, func() {
				if err := os.WriteFile(path, data, 0o600); err != nil {
					b.Fatal(err)
				}
			})
		})
		b.Run("unchanged/"+strconv.Itoa(n), func(b *testing.B) {
			if err := os.WriteFile(path, data, 0o600); err != nil {
				b.Fatal(err)
			}
			s, errb := benchStreams()
			if code := Main(args, s); code != 0 {
				b.Fatalf("exit %d: %s", code, errb)
			}
			runBench(b, args, nil)
		})
	}
}

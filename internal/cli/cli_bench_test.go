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

package atomicfile

import (
	"bytes"
	"path/filepath"
	"testing"
)

// bigConfig is about 1.2 MB, a generous ssh_config with many Host blocks.
func bigConfig(variant byte) []byte {
	block := []byte("Host host-0\n\tHostName 192.0.2.1\n\tUser admin\n\tServerAliveInterval 30\n")
	block[len("Host host-")] = variant
	return bytes.Repeat(block, 1_200_000/len(block))
}

// BenchmarkWrite is the floor of one edit: read, then write changed bytes
// (temp file, fsync, rename, directory fsync).
func BenchmarkWrite(b *testing.B) {
	path := filepath.Join(b.TempDir(), "config")
	versions := [][]byte{bigConfig('a'), bigConfig('b')}
	b.SetBytes(int64(len(versions[0])))
	i := 0
	for b.Loop() {
		s, err := Read(path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Write(versions[i%2], Options{}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkWriteUnchanged is a run with nothing to do: read and compare.
func BenchmarkWriteUnchanged(b *testing.B) {
	path := filepath.Join(b.TempDir(), "config")
	data := bigConfig('a')
	s, _ := Read(path)
	s.Write(data, Options{})
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		s, err := Read(path)
		if err != nil {
			b.Fatal(err)
		}
		if changed, err := s.Write(data, Options{}); err != nil || changed {
			b.Fatal(changed, err)
		}
	}
}

// BenchmarkLock is an uncontended lock and release.
func BenchmarkLock(b *testing.B) {
	path := filepath.Join(b.TempDir(), "config")
	for b.Loop() {
		unlock, err := Lock(path)
		if err != nil {
			b.Fatal(err)
		}
		unlock()
	}
}

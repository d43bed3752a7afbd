package sshconf

import (
	"strconv"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

func BenchmarkParse(b *testing.B) {
	for _, n := range testenv.BenchSizes {
		data := testenv.HostsConfig(n)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				Parse(data)
			}
		})
	}
}

// BenchmarkBytes prints a parsed file back.
func BenchmarkBytes(b *testing.B) {
	for _, n := range testenv.BenchSizes {
		data := testenv.HostsConfig(n)
		f := Parse(data)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				f.Bytes()
			}
		})
	}
}

// BenchmarkBlocks splits a parsed file into its Host blocks.
func BenchmarkBlocks(b *testing.B) {
	for _, n := range testenv.BenchSizes {
		f := Parse(testenv.HostsConfig(n))
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				f.Blocks()
			}
		})
	}
}

// BenchmarkEdit is the syntax-tree part of enable: a "Host *" block with
// two directives appended, in the style of the file.
func BenchmarkEdit(b *testing.B) {
	for _, n := range testenv.BenchSizes {
		data := testenv.HostsConfig(n)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				f := Parse(data)
				blocks := f.Blocks()
				st := f.StyleFor(blocks[len(blocks)-1])
				at := len(f.Lines)
				f.Insert(at, "Host *", st.Render(ServerAliveInterval, "300"), st.Render(ServerAliveCountMax, "2"))
				f.Bytes()
			}
		})
	}
}

package sshconf

import (
	"bytes"
	"fmt"
	"strconv"
	"testing"
)

// benchSizes are the numbers of Host blocks the benchmarks use: a small
// personal config, a generated fleet inventory and a very large one.
var benchSizes = []int{100, 10_000, 100_000}

// benchConfig generates, deterministically, n Host blocks with HostName,
// User and Port: about 103 bytes a block, the shape scripts/bench.sh uses.
func benchConfig(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, "Host host%d\n    HostName ip-10-%d-%d-%d.eu-west-1.compute.internal\n    User ec2-user\n    Port %d\n\n",
			i, i>>16&255, i>>8&255, i&255, 2200+i%100)
	}
	return b.Bytes()
}

func BenchmarkParse(b *testing.B) {
	for _, n := range benchSizes {
		data := benchConfig(n)
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
	for _, n := range benchSizes {
		data := benchConfig(n)
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
	for _, n := range benchSizes {
		f := Parse(benchConfig(n))
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
	for _, n := range benchSizes {
		data := benchConfig(n)
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

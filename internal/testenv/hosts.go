package testenv

import (
	"bytes"
	"fmt"
)

// BenchSizes are the numbers of Host blocks benchmarks use: a small
// personal config, a generated fleet inventory and a very large one.
var BenchSizes = []int{100, 10_000, 100_000}

// HostsConfig generates, deterministically, n Host blocks with HostName,
// User and Port: about 103 bytes a block, byte for byte what
// scripts/bench.sh generates, so Go benchmarks and bench-compare agree.
func HostsConfig(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, "Host host%d\n    HostName ip-10-%d-%d-%d.eu-west-1.compute.internal\n    User ec2-user\n    Port %d\n\n",
			i, i>>16&255, i>>8&255, i&255, 2200+i%100)
	}
	return b.Bytes()
}

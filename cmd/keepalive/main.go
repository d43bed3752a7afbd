// Command keepalive turns on SSH keep-alives in OpenSSH and PuTTY
// configuration, losslessly and safely. See the README.
package main

import (
	"os"
	"runtime/debug"
	"slices"

	"github.com/keepalive-ssh/keepalive/internal/cli"
)

func main() {
	args := os.Args[1:]
	collectLate(args)
	os.Exit(cli.Main(args, cli.SystemStreams()))
}

// lateGCLimit is the heap size at which the garbage collector starts in a
// short run (collectLate).
const lateGCLimit = 512 << 20

// collectLate leaves garbage collection until the heap reaches
// lateGCLimit, as GOGC=off GOMEMLIMIT=512MiB would. A command is short, and
// most of what it allocates stays live to its end: the parsed
// configuration, several times the file's size. Collecting as the heap
// grows cost a fifth to a third of the time of show, enable and server
// and freed almost nothing (peak memory within 7%). probe, which runs
// for minutes to hours, and a GOGC or GOMEMLIMIT set by the user keep Go's
// defaults.
func collectLate(args []string) {
	// Any argument "probe" counts, wherever the command is among the
	// flags: a file of that name only costs a run Go's default collector.
	if slices.Contains(args, "probe") || os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(lateGCLimit)
}

package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
)

// A run's heap is mostly the parsed configuration, live until it exits:
// collecting while it grows costs a fifth to a third of show, enable and
// server and frees almost nothing. So the collector waits until the heap
// reaches gcFloor (GOGC=off with a memory limit). A run that does make
// garbage (show explaining each of 50,000 hosts' own values evaluates the
// configuration 50,000 times) is collected once past the floor, and the
// limit then follows the live heap (gcHeadroom times it) so that a
// configuration larger than the floor does not make the collector run
// back to back. probe, which runs for minutes to hours, and a GOGC or
// GOMEMLIMIT set by the user keep Go's defaults.
const (
	gcFloor    = 64 << 20
	gcHeadroom = 1.5
)

func collectLate(args []string) {
	// Any argument "probe" counts, wherever the command is among the
	// flags: a file of that name only costs a run Go's default collector.
	if slices.Contains(args, "probe") || os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(gcFloor)
	armGCTuner()
}

// gcSentinel is an object whose finalizer runs after each collection. It
// holds a pointer so that it is not a tiny allocation, whose finalizer
// may never run.
type gcSentinel struct{ _ *int }

// armGCTuner sets the memory limit after every collection to gcHeadroom
// times the heap found live, and never below gcFloor.
func armGCTuner() {
	runtime.SetFinalizer(&gcSentinel{}, func(*gcSentinel) {
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		metrics.Read(sample)
		if sample[0].Value.Kind() == metrics.KindUint64 {
			live := float64(sample[0].Value.Uint64())
			debug.SetMemoryLimit(max(gcFloor, int64(live*gcHeadroom)))
		}
		armGCTuner()
	})
}

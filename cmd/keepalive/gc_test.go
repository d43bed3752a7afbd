package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

// gcSink keeps the test's allocations from being optimized away.
var gcSink []byte

// TestCollectLate runs collectLate in a child process (it changes the
// runtime's settings for good) and checks what a user of a large config
// sees: no collection while the heap stays under the floor, and garbage
// beyond it collected, so that peak memory stays near the floor rather
// than growing with all that was ever allocated.
func TestCollectLate(t *testing.T) {
	if mb := os.Getenv("KEEPALIVE_GC_CHILD_MB"); mb != "" {
		var n int
		fmt.Sscan(mb, &n)
		collectLate(strings.Fields(os.Getenv("KEEPALIVE_GC_CHILD_ARGS")))
		before := new(runtime.MemStats)
		runtime.ReadMemStats(before)
		for range n {
			// Each page written, as a parser fills its tree, and the
			// processor offered to others: a loop that only allocates
			// outruns the collector's workers on a busy machine (its
			// CPU limiter then lets the heap pass the limit), which no
			// real run does.
			b := make([]byte, 1<<20)
			for i := 0; i < len(b); i += 4096 {
				b[i] = 1
			}
			gcSink = b
			runtime.Gosched()
		}
		after := new(runtime.MemStats)
		runtime.ReadMemStats(after)
		fmt.Printf("gcs=%d heapsys=%d\n", after.NumGC-before.NumGC, after.HeapSys>>20)
		return
	}
	run := func(mb int, args string) (gcs, heapMB int) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCollectLate$", "-test.count=1")
		cmd.Env = append(os.Environ(), fmt.Sprintf("KEEPALIVE_GC_CHILD_MB=%d", mb), "KEEPALIVE_GC_CHILD_ARGS="+args, "GOGC=", "GOMEMLIMIT=")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("child: %v\n%s", err, out)
		}
		if _, err := fmt.Sscanf(string(out), "gcs=%d heapsys=%d", &gcs, &heapMB); err != nil {
			t.Fatalf("child printed %q", out)
		}
		return gcs, heapMB
	}
	if gcs, _ := run(32, ""); gcs != 0 {
		t.Errorf("32 MiB allocated: %d collections; the collector should wait for %d MiB", gcs, gcFloor>>20)
	}
	if gcs, heap := run(1024, "show"); gcs == 0 || heap > 3*gcFloor>>20 {
		t.Errorf("1 GiB of garbage: %d collections, heap %d MiB; want collections and a heap near %d MiB", gcs, heap, gcFloor>>20)
	}
	if gcs, _ := run(256, "--verbose probe"); gcs == 0 {
		t.Error("probe: no collection in 256 MiB of garbage; probe keeps Go's default collector")
	}
}

package report

import (
	"runtime"
	"strings"
	"testing"
)

// Text builds its output in one buffer of about its size: show --all on a
// large fleet prints hundreds of kilobytes of warnings, and keepalive
// collects no garbage before its heap reaches 64 MiB, so whatever a
// growing buffer leaves behind adds to the run's peak memory. The text
// still ends as before: the last section's blank line dropped, one after
// the warnings.
func TestTextMemory(t *testing.T) {
	r := &Report{Client: &Client{Host: "h"}, ServerSkipped: true}
	for i := range 20000 {
		r.Add(Info, SectionClient, "/home/u/.ssh/conf.d/team1.conf:"+strings.Repeat("1", i%6+1),
			"ServerAliveInterval 30 applies to hosts matching host%d only, overriding the general value for them", i)
	}
	var out strings.Builder
	out.Grow(4 << 20)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if err := r.Text(&out, Style{}); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	n := out.Len()
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > uint64(n)*3/2 {
		t.Errorf("Text allocated %d bytes for %d bytes of text, want at most 1.5 times that", alloc, n)
	}
	if s := out.String(); !strings.HasSuffix(s, "for them\n\n") || !strings.HasPrefix(s, "client (ssh) for host h\n") || !strings.Contains(s, "  \n\nwarnings\n") {
		t.Errorf("text:\n%.300s\n...\n%s", s, s[max(0, len(s)-200):])
	}

	r = &Report{Client: &Client{Host: "h"}, ServerSkipped: true}
	out.Reset()
	if err := r.Text(&out, Style{}); err != nil {
		t.Fatal(err)
	}
	if s := out.String(); !strings.HasSuffix(s, "  TCPKeepAlive         <nil>  \n") {
		t.Errorf("text without warnings ends %q", s[max(0, len(s)-60):])
	}
}

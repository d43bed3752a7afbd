package edit

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// TestLinesWriteTo checks that streaming a file's lines in runs writes
// exactly what the file prints, whatever edits broke its text into pieces:
// lines inserted, removed and rewritten anywhere, a last line without a
// line ending, runs longer and shorter than the buffer.
func TestLinesWriteTo(t *testing.T) {
	var text strings.Builder
	for i := range 20000 {
		fmt.Fprintf(&text, "Host h%d\n    HostName 10.0.%d.%d\n", i, i/256, i%256)
	}
	text.WriteString("Host *\n  User x") // no final newline
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 50 {
		f := sshconf.ParseString(text.String())
		for range rng.IntN(6) {
			i := rng.IntN(len(f.Lines) + 1)
			switch rng.IntN(3) {
			case 0:
				f.Insert(i, "    ServerAliveInterval 60", "# note")
			case 1:
				if i < len(f.Lines) {
					f.Remove(i)
				}
			default:
				if i < len(f.Lines) {
					f.Replace(i, strings.Repeat("x", rng.IntN(70000)))
				}
			}
		}
		var got bytes.Buffer
		n, err := lines{f}.WriteTo(&got)
		if want := f.Bytes(); err != nil || !bytes.Equal(got.Bytes(), want) || n != int64(len(want)) {
			t.Fatalf("round %d: WriteTo wrote %d bytes (err %v), differing from the file's %d", round, n, err, len(want))
		}
	}
}

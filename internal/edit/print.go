package edit

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/keepalive-ssh/keepalive/internal/diff"
)

// PrintOptions say how Print shows a result.
type PrintOptions struct {
	JSON    bool // --json: the Result as JSON, nothing else
	Verbose bool // --verbose: the diff of a write too
	Color   bool // colour the diff (a terminal without NO_COLOR)
}

// Print writes what an edit did, the same way for every command: JSON, the
// idle line, or the diff (always for DryRun and Check) and a line per
// change; then the notes (values kept as they were, hosts that keep their
// own). After a failed edit (failed) it writes only what was written
// before the failure.
func (r *Result) Print(w io.Writer, o PrintOptions, failed bool) error {
	var b strings.Builder
	would := !r.Mode.Writes() && !failed
	switch {
	case failed:
	case o.JSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	case !r.Changed:
		if len(r.Notes) == 0 {
			fmt.Fprintln(&b, r.Idle)
		}
	case would || o.Verbose:
		if o.Color {
			b.WriteString(diff.Colorize(r.Diff))
		} else {
			b.WriteString(r.Diff)
		}
	}
	if r.Changed || failed {
		for _, l := range r.Lines(would) {
			fmt.Fprintln(&b, l)
		}
	}
	if !failed {
		for _, n := range r.Notes {
			fmt.Fprintln(&b, n)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

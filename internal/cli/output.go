package cli

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/keepalive-ssh/keepalive/internal/diff"
	"github.com/keepalive-ssh/keepalive/internal/edit"
)

// writeFlags are the flags every editing command shares.
type writeFlags struct {
	DryRun  bool
	Check   bool
	Backup  bool
	JSON    bool
	Verbose bool
}

func (wf *writeFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.BoolVar(&wf.DryRun, "dry-run", false, "print a unified diff of the change and write nothing")
	f.BoolVar(&wf.Check, "check", false, "write nothing; exit 3 if a change would be made")
	f.BoolVar(&wf.Backup, "backup", false, "keep the previous file as FILE.keepalive.bak (FILE.keepalive.bak.1, .2, ... if taken: no backup is overwritten)")
	f.BoolVar(&wf.JSON, "json", false, `print {"changed": ..., "files": [...], "diff": ...}`)
	f.BoolVarP(&wf.Verbose, "verbose", "v", false, "show the diff of what changed")
}

// mode is the edit mode the flags ask for.
func (wf writeFlags) mode() edit.Mode {
	switch {
	case wf.Check:
		return edit.Check
	case wf.DryRun:
		return edit.DryRun
	}
	return edit.Write
}

// options are the edit options the flags ask for.
func (wf writeFlags) options(s Streams) edit.Options {
	return edit.Options{Mode: wf.mode(), Diff: wf.JSON || wf.Verbose, Backup: wf.Backup, Warn: s.Err}
}

// printResult prints what an edit did, the same way for every command: JSON,
// the idle line, or the diff (when asked) and a line per change. A Check
// that found a change returns the exit-3 error. err is the edit's own
// error: what was done before it is printed first.
func printResult(s Streams, wf writeFlags, res *edit.Result, err error) error {
	if res == nil {
		return err
	}
	if err != nil {
		printChanges(s, res, false) // what was written before the failure
		return err
	}
	would := !res.Mode.Writes()
	switch {
	case wf.JSON:
		if err := writeJSON(s, res); err != nil {
			return err
		}
	case !res.Changed:
		if len(res.Notes) == 0 {
			fmt.Fprintln(s.Out, res.Idle)
		}
	default:
		if would || wf.Verbose {
			writeDiff(s, res.Diff)
		}
		printChanges(s, res, would)
	}
	if !wf.JSON {
		// Values kept as they were, hosts that keep their own.
		for _, n := range res.Notes {
			fmt.Fprintln(s.Out, n)
		}
	}
	if res.Mode == edit.Check && res.Changed {
		return &cliError{code: exitChanged, err: edit.ErrChanges}
	}
	return nil
}

// printChanges says which files changed (or would) and how.
func printChanges(s Streams, res *edit.Result, would bool) {
	for _, l := range res.Lines(would) {
		fmt.Fprintln(s.Out, l)
	}
}

// writeDiff prints a unified diff, coloured on a terminal.
func writeDiff(s Streams, d string) {
	if s.Color {
		d = diff.Colorize(d)
	}
	io.WriteString(s.Out, d)
}

// writeJSON prints v as indented JSON: the --json output of every command.
func writeJSON(s Streams, v any) error {
	enc := json.NewEncoder(s.Out)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

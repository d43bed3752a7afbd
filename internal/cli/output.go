package cli

import (
	"encoding/json"

	"github.com/spf13/cobra"

	"github.com/keepalive-ssh/keepalive/internal/edit"
)

// writeFlags are the flags every editing command shares.
type writeFlags struct {
	DryRun  bool
	Check   bool
	Backup  bool
	JSON    bool
	Verbose bool
	All     bool // disable --all, registered by disable
}

func (wf *writeFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.BoolVar(&wf.DryRun, "dry-run", false, "print a unified diff of the change and write nothing")
	f.BoolVar(&wf.Check, "check", false, "write nothing; exit 3 if a change would be made")
	f.BoolVar(&wf.Backup, "backup", false, "keep the previous file as FILE.keepalive.bak (FILE.keepalive.bak.1, .2, ... if taken: no backup is overwritten)")
	f.BoolVar(&wf.JSON, "json", false, `print {"changed": ..., "files": [...], "diff": ...}`)
	f.BoolVarP(&wf.Verbose, "verbose", "v", false, "show the diff of what changed")
}

// options are the edit options the flags ask for.
func (wf writeFlags) options(s Streams) edit.Options {
	mode := edit.Write
	if wf.Check {
		mode = edit.Check
	} else if wf.DryRun {
		mode = edit.DryRun
	}
	return edit.Options{Mode: mode, Diff: wf.JSON || wf.Verbose, Backup: wf.Backup, Warn: s.Err, All: wf.All}
}

// printResult prints what an edit did (edit.Result.Print), the same way
// for every command. A Check that found a change returns the exit-3 error.
// err is the edit's own error: what was done before it is printed first.
func printResult(s Streams, wf writeFlags, res *edit.Result, err error) error {
	if res == nil {
		return err
	}
	perr := res.Print(s.Out, edit.PrintOptions{JSON: wf.JSON, Verbose: wf.Verbose, Color: s.Color}, err != nil)
	switch {
	case err != nil:
		return err
	case perr != nil:
		return perr
	case res.Mode == edit.Check && res.Changed:
		return &cliError{code: exitChanged, err: edit.ErrChanges}
	}
	return nil
}

// writeJSON prints v as indented JSON: the --json output of every command.
func writeJSON(s Streams, v any) error {
	enc := json.NewEncoder(s.Out)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

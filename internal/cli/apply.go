package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/keepalive-ssh/keepalive/internal/atomicfile"
	"github.com/keepalive-ssh/keepalive/internal/diff"
	"github.com/keepalive-ssh/keepalive/internal/placement"
)

// writeFlags are the flags every editing command shares.
type writeFlags struct {
	DryRun  bool
	Check   bool
	Backup  bool
	JSON    bool
	Verbose bool
}

// applyResult is what an edit did, for people and for --json.
type applyResult struct {
	Changed bool     `json:"changed"`
	Files   []string `json:"files"`
	Diff    string   `json:"diff,omitempty"`
}

// applyPlan writes the files a plan changes (or, with --dry-run or --check,
// shows them) and reports. The caller holds the lock on the edited files.
// A file that changed on disk since it was read is not overwritten.
//
// summary says what the change does ("ServerAliveInterval 300 ... in FILE");
// idle is the one line printed when there is nothing to change.
func applyPlan(s Streams, p *placement.Plan, wf writeFlags, wo atomicfile.Options, summary, idle string) error {
	changed := p.Changed()
	res := applyResult{Changed: len(changed) > 0, Files: changed}
	// The diff is only shown with these flags; on a 100,000-host file it
	// costs a third of the run, so it is not computed otherwise.
	if wf.JSON || wf.DryRun || wf.Check || wf.Verbose {
		var diffs strings.Builder
		for _, path := range changed {
			diffs.WriteString(diff.Unified(path, path, p.Orig[path], p.Files[path].Bytes()))
		}
		res.Diff = diffs.String()
	}
	if res.Files == nil {
		res.Files = []string{}
	}
	if !wf.DryRun && !wf.Check {
		for _, path := range changed {
			if err := writeChecked(path, p.Orig[path], p.Files[path].Bytes(), wo); err != nil {
				return err
			}
		}
	}
	notes := p.Notes(flagFor)
	switch {
	case wf.JSON:
		if err := writeJSON(s, res); err != nil {
			return err
		}
		notes = nil
	case !res.Changed:
		if len(notes) == 0 {
			fmt.Fprintln(s.Out, idle)
		}
	case wf.DryRun || wf.Check:
		writeDiff(s, res.Diff)
		printChanged(s, p, changed, "would change", summary)
	default:
		if wf.Verbose {
			writeDiff(s, res.Diff)
		}
		printChanged(s, p, changed, "changed", summary)
	}
	for _, n := range notes {
		fmt.Fprintln(s.Out, n)
	}
	if wf.Check && res.Changed {
		return &cliError{code: exitChanged, err: errors.New("changes would be made")}
	}
	return nil
}

// printChanged names each changed file once with what changed in it
// (placement's description: each value with what it was, and the block),
// or, for a plan that describes nothing, all files with summary.
func printChanged(s Streams, p *placement.Plan, changed []string, verb, summary string) {
	if len(p.Changes) == 0 {
		fmt.Fprintf(s.Out, "%s %s: %s\n", verb, strings.Join(changed, ", "), summary)
		return
	}
	for _, path := range changed {
		what := p.Describe(path)
		if what == "" {
			what = "keepalive's comments" // a marker of a line the user changed since
		}
		fmt.Fprintf(s.Out, "%s %s: %s\n", verb, path, what)
	}
}

// flagFor names the option that sets a keyword, for "pass --interval to
// change it".
func flagFor(key string) string {
	switch k := strings.ToLower(key); {
	case strings.HasSuffix(k, "countmax"):
		return "--count"
	case strings.HasSuffix(k, "interval"), k == "protocolkeepalives", k == "setuptimeout":
		return "--interval"
	}
	return ""
}

// writeChecked replaces path with data if it still holds orig.
func writeChecked(path string, orig, data []byte, wo atomicfile.Options) error {
	snap, err := atomicfile.Read(path)
	if err != nil {
		return err
	}
	if !bytes.Equal(snap.Data, orig) {
		return withHint(fmt.Errorf("%s changed while keepalive was editing it; nothing was written", path), "run keepalive again")
	}
	if err := requireOwner(snap, wo); err != nil {
		return err
	}
	_, err = snap.Write(data, wo)
	return err
}

// requireOwner refuses, under sudo, to write for the invoking user
// (wo.SetOwner) a file that user could not write themselves. They own their
// home, so a symlink or an Include there could otherwise make root rewrite
// any file on the system. The check is on the snapshot Write will replace,
// and Write refuses if the path leads elsewhere by then.
func requireOwner(snap *atomicfile.Snapshot, wo atomicfile.Options) error {
	if !wo.SetOwner {
		return nil
	}
	what := snap.RealPath
	if !snap.Exists { // a new file: the directory it goes in
		what = filepath.Dir(what)
		for {
			if _, err := os.Stat(what); err == nil || filepath.Dir(what) == what {
				break
			}
			what = filepath.Dir(what)
		}
	}
	uid, err := fileOwner(what)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if uid == wo.UID || uid == -1 {
		return nil
	}
	via := ""
	if what != snap.Path {
		via = " (where " + snap.Path + " leads)"
	}
	return withHint(fmt.Errorf("%s%s belongs to uid %d, not to the sudo user (uid %d): keepalive writes only the user's own files for them; nothing was written",
		what, via, uid, wo.UID), "fix the symlink or Include that leads there, or edit that file as its owner")
}

// writeDiff prints a unified diff, coloured on a terminal.
func writeDiff(s Streams, d string) {
	if !s.Color {
		io.WriteString(s.Out, d)
		return
	}
	for _, line := range strings.SplitAfter(d, "\n") {
		color := ""
		switch {
		case strings.HasPrefix(line, "+++"), strings.HasPrefix(line, "---"):
			color = "\x1b[1m"
		case strings.HasPrefix(line, "+"):
			color = "\x1b[32m"
		case strings.HasPrefix(line, "-"):
			color = "\x1b[31m"
		case strings.HasPrefix(line, "@@"):
			color = "\x1b[36m"
		}
		if color == "" || line == "" {
			io.WriteString(s.Out, line)
			continue
		}
		fmt.Fprintf(s.Out, "%s%s\x1b[0m\n", color, strings.TrimSuffix(line, "\n"))
	}
}

// requireWritable fails early, before any work, when the directory that
// will receive path cannot be written: the usual cause is a missing sudo.
func requireWritable(path string) error {
	dir := filepath.Dir(path)
	for {
		if _, err := os.Stat(dir); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	if err := accessWrite(dir); err != nil {
		hint := "run with sudo"
		if os.Geteuid() == 0 {
			hint = "check that the file system is writable"
		}
		return withHint(fmt.Errorf("cannot write %s: %w", path, err), hint)
	}
	return nil
}

// writeJSON prints v as indented JSON: the --json output of every command.
func writeJSON(s Streams, v any) error {
	enc := json.NewEncoder(s.Out)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

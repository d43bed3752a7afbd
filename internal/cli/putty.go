package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/keepalive-ssh/keepalive/internal/diff"
	"github.com/keepalive-ssh/keepalive/internal/putty"
)

// openPuttyStore finds the current user's PuTTY sessions; tests replace it.
var openPuttyStore = putty.DefaultStore

type puttyOptions struct {
	writeFlags
	Sessions    []string
	Interval    string
	intervalSet bool
	List        bool
	Create      bool
}

func newPuttyCmd(s Streams) *cobra.Command {
	o := &puttyOptions{}
	cmd := &cobra.Command{
		Use:   "putty",
		Short: "Turn on keep-alives in PuTTY saved sessions",
		Long: `Set "Seconds between keepalives" (Connection panel) in PuTTY saved sessions:
every saved session and "Default Settings", or only the --session ones.
Without --interval a session whose keep-alive is on keeps it; with it, the
value given wins. Each change says what the value was, and keepalive records
it in the session (KeepaliveWas=..., a setting PuTTY ignores) so that
disable --putty can put it back.

PuTTY reads each saved session on its own; "Default Settings" only seeds the
sessions saved after it. So keepalive sets both: the sessions you have, and
Default Settings for the ones you will save. Default Settings is created when
PuTTY has not saved it yet (it then holds only the keep-alive, and PuTTY's
built-in defaults still apply to everything else).

PuTTY stores the interval as PingInterval (minutes, from PuTTY 0.50) plus
PingIntervalSecs, added together; keepalive writes PingInterval=0 and
PingIntervalSecs=N so the total is exactly --interval. Nothing else in a
session changes.

Sessions live in ~/.putty/sessions (or ~/.config/putty/sessions when that
exists, or $PUTTYDIR/sessions, or $PUTTYSESSIONS, as PuTTY looks for them) on
Unix, and in HKEY_CURRENT_USER\Software\SimonTatham\PuTTY\Sessions on Windows.

A --session that is not saved is an error, unless --create asks to save it
(as a copy of Default Settings, as PuTTY does for a new session).`,
		Example: `  keepalive putty                          # every session that has none: 60 s
  keepalive putty --session "my server" --interval 60
  keepalive putty --list
  keepalive disable --putty                # turn them off again`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.intervalSet = cmd.Flags().Changed("interval")
			return runPutty(s, o)
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&o.Sessions, "session", nil, "only this saved session (repeatable; `NAME` as PuTTY shows it)")
	f.StringVar(&o.Interval, "interval", defaultInterval, "seconds between keep-alives (60, 5m, 1m30s); without it a session's keep-alive that is on is kept")
	f.BoolVar(&o.List, "list", false, "list the sessions and their keep-alive; change nothing")
	f.BoolVar(&o.Create, "create", false, "save a --session that does not exist yet, as a copy of Default Settings")
	f.BoolVar(&o.DryRun, "dry-run", false, "print a unified diff of each change and write nothing")
	f.BoolVar(&o.Check, "check", false, "write nothing; exit 3 if a change would be made")
	f.BoolVar(&o.Backup, "backup", false, "keep each previous session file as FILE.keepalive.bak (PuTTY lists it as a session \"NAME.keepalive.bak\")")
	f.BoolVar(&o.JSON, "json", false, "print the result (or with --list the sessions) as JSON")
	f.BoolVarP(&o.Verbose, "verbose", "v", false, "show the diff of what changed")
	return cmd
}

func runPutty(s Streams, o *puttyOptions) error {
	names, err := sessionNames(o.Sessions)
	if err != nil {
		return err
	}
	if o.List {
		for _, c := range []struct {
			set  bool
			flag string
		}{{o.intervalSet, "--interval"}, {o.Create, "--create"}, {o.DryRun, "--dry-run"}, {o.Check, "--check"}, {o.Backup, "--backup"}} {
			if c.set {
				return usageErrorf("--list cannot be combined with %s: --list only shows the sessions", c.flag)
			}
		}
		store, err := openPuttyStore()
		if err != nil {
			return err
		}
		return listPutty(s, store, names, o.JSON)
	}
	seconds, err := parseInterval("--interval", o.Interval)
	if err != nil {
		return err
	}
	store, err := openPuttyStore()
	if err != nil {
		return err
	}
	return setPutty(s, store, names, seconds, o.Create, o.writeFlags, putty.SetOptions{Keep: !o.intervalSet})
}

// runPuttyDisable turns the keep-alive off (0) in the named sessions, or in
// every saved session and Default Settings. It is `keepalive disable
// --putty`.
//
// It puts back the keep-alive each session had before keepalive set it; a
// session whose keep-alive keepalive did not set (or that was changed
// since) keeps it, unless all.
func runPuttyDisable(s Streams, sessions []string, all bool, wf writeFlags) error {
	names, err := sessionNames(sessions)
	if err != nil {
		return err
	}
	store, err := openPuttyStore()
	if err != nil {
		return err
	}
	return setPutty(s, store, names, 0, false, wf, putty.SetOptions{Undo: !all})
}

// sessionNames checks and de-duplicates --session values. PuTTY maps an
// empty name to Default Settings, which would surprise: refuse it.
func sessionNames(in []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, n := range in {
		if n == "" {
			return nil, usageErrorf("invalid --session \"\": want a saved session's name, as PuTTY shows it (\"Default Settings\" for the defaults)")
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out, nil
}

// puttyTargets are the sessions an edit is for: the named ones, all of
// which must exist unless create, or every saved one and Default Settings.
func puttyTargets(store putty.Store, names []string, create bool) ([]string, error) {
	if len(names) == 0 {
		saved, err := store.Sessions()
		if err != nil {
			return nil, fmt.Errorf("list PuTTY sessions in %s: %w", store.Where(), err)
		}
		targets := []string{putty.DefaultSettings}
		for _, ss := range saved {
			if ss.Name != putty.DefaultSettings {
				targets = append(targets, ss.Name)
			}
		}
		return targets, nil
	}
	var unknown []string
	for _, n := range names {
		_, err := store.Session(n)
		if errors.Is(err, putty.ErrNoSession) {
			unknown = append(unknown, n)
			continue
		}
		if err != nil {
			return nil, err
		}
	}
	if len(unknown) > 0 && !create {
		return nil, unknownSessions(store, unknown)
	}
	return names, nil
}

// unknownSessions is the error for --session names that are not saved:
// it names them and lists the ones that are.
func unknownSessions(store putty.Store, unknown []string) error {
	quote := func(ns []string) string {
		q := make([]string, len(ns))
		for i, n := range ns {
			q[i] = strconv.Quote(n)
		}
		return strings.Join(q, ", ")
	}
	what := "no PuTTY session"
	if len(unknown) > 1 {
		what = "no PuTTY sessions"
	}
	have := []string{putty.DefaultSettings}
	if saved, err := store.Sessions(); err == nil {
		for _, ss := range saved {
			if ss.Name != putty.DefaultSettings {
				have = append(have, ss.Name)
			}
		}
	}
	return withHint(fmt.Errorf("%s %s in %s; the sessions are: %s", what, quote(unknown), store.Where(), quote(have)),
		"check the spelling (names are case-sensitive), or add --create to save it as a copy of Default Settings")
}

// puttyResult is what `keepalive putty --json` prints: the fields every
// editing command prints, and each session.
type puttyResult struct {
	Changed  bool            `json:"changed"`
	Files    []string        `json:"files"`
	Diff     string          `json:"diff,omitempty"`
	Sessions []puttyChangeJS `json:"sessions"`
}

type puttyChangeJS struct {
	Session  string `json:"session"`
	Location string `json:"location"`
	Before   int    `json:"before"`
	After    int    `json:"after"`
	Changed  bool   `json:"changed"`
	Created  bool   `json:"created"`
}

// setPutty sets the keep-alive of sessions to seconds. It plans every
// change before writing any, so an unknown or unreadable session leaves
// everything as it was; each write then re-reads its file under the lock.
func setPutty(s Streams, store putty.Store, names []string, seconds int, create bool, wf writeFlags, mode putty.SetOptions) error {
	if sudoUser := os.Getenv("SUDO_USER"); sudoUser != "" && sudoUser != "root" && os.Geteuid() == 0 {
		// sudo usually sets HOME to root's: say whose sessions these are.
		fmt.Fprintf(s.Err, "keepalive: note: under sudo, editing the PuTTY sessions in %s; to edit %s's, run keepalive as %s (PuTTY sessions need no sudo)\n", store.Where(), sudoUser, sudoUser)
	}
	if wf.Backup {
		if _, ok := store.(*putty.RegistryStore); ok {
			fmt.Fprintf(s.Err, "keepalive: warning: --backup keeps no copy of registry values; `reg export \"%s\" putty.reg` saves one\n", store.Where())
		}
	}
	targets, err := puttyTargets(store, names, create)
	if err != nil {
		return err
	}
	exists, err := store.Exists()
	if err != nil {
		return fmt.Errorf("%s: %w", store.Where(), err)
	}
	if !exists && seconds != 0 && !create {
		return withHint(fmt.Errorf("PuTTY has saved no settings in %s: it does not exist", store.Where()),
			"save a session in PuTTY first, or add --create to create Default Settings there")
	}

	var changes []putty.Change
	for _, name := range targets {
		ch, err := store.SetKeepAlive(name, seconds, putty.SetOptions{DryRun: true, Create: create, Keep: mode.Keep, Undo: mode.Undo})
		if err != nil {
			return puttyError(ch, err)
		}
		changes = append(changes, ch)
	}
	res := puttyResult{Files: []string{}, Sessions: []puttyChangeJS{}}
	var diffs strings.Builder
	for _, ch := range changes {
		if ch.Changed {
			res.Changed = true
			res.Files = append(res.Files, ch.Location)
			old := ch.Location
			if ch.OldText == nil {
				old = "/dev/null"
			}
			diffs.WriteString(diff.Unified(old, ch.Location, ch.OldText, ch.NewText))
		}
	}
	res.Diff = diffs.String()

	if !wf.DryRun && !wf.Check {
		for i, ch := range changes {
			if !ch.Changed {
				continue
			}
			done, err := store.SetKeepAlive(ch.Session, seconds, putty.SetOptions{Create: create, Backup: wf.Backup, Keep: mode.Keep, Undo: mode.Undo})
			if err != nil {
				// Say what was written before the failure.
				printPuttyChanges(s, changes[:i], false)
				return puttyError(ch, err)
			}
			changes[i] = done
		}
	}
	for _, ch := range changes {
		res.Sessions = append(res.Sessions, puttyChangeJS{
			Session: ch.Session, Location: ch.Location,
			Before: ch.Before.Interval(), After: ch.After.Interval(),
			Changed: ch.Changed, Created: ch.Created,
		})
	}

	switch {
	case wf.JSON:
		if err := writeJSON(s, res); err != nil {
			return err
		}
	case !res.Changed && !anyKept(changes):
		n := "1 session"
		if len(changes) != 1 {
			n = strconv.Itoa(len(changes)) + " sessions"
		}
		if mode.Undo {
			fmt.Fprintf(s.Out, "nothing to undo: keepalive set no keep-alive in %s in %s\n", n, store.Where())
		} else {
			fmt.Fprintf(s.Out, "already set: PuTTY keep-alive %s in %s in %s\n", fmtSeconds(seconds), n, store.Where())
		}
	default:
		if res.Changed && (wf.DryRun || wf.Check || wf.Verbose) {
			writeDiff(s, res.Diff)
		}
		printPuttyChanges(s, changes, wf.DryRun || wf.Check)
	}
	if !wf.JSON {
		for _, ch := range changes {
			if !ch.Kept {
				continue
			}
			if ch.Why == "in effect" {
				fmt.Fprintf(s.Out, "kept PuTTY session %q keep-alive %s (%s); pass --interval to change it\n", ch.Session, fmtSeconds(ch.Before.Interval()), ch.Location)
			} else {
				fmt.Fprintf(s.Out, "%s kept: %s (PuTTY session %q keep-alive %s); --all removes it too\n", ch.Location, ch.Why, ch.Session, fmtSeconds(ch.Before.Interval()))
			}
		}
	}
	if wf.Check && res.Changed {
		return &cliError{code: exitChanged, err: errors.New("changes would be made")}
	}
	return nil
}

func anyKept(changes []putty.Change) bool {
	for _, ch := range changes {
		if ch.Kept {
			return true
		}
	}
	return false
}

// printPuttyChanges says which session files changed (or would) and how.
func printPuttyChanges(s Streams, changes []putty.Change, would bool) {
	for _, ch := range changes {
		if !ch.Changed {
			continue
		}
		verb := "changed"
		if ch.Created {
			verb = "created"
		}
		if would {
			verb = "would " + strings.TrimSuffix(verb, "d")
		}
		switch {
		case ch.Created:
			fmt.Fprintf(s.Out, "%s %s: PuTTY session %q with keep-alive %s\n", verb, ch.Location, ch.Session, fmtSeconds(ch.After.Interval()))
		case ch.Restored:
			fmt.Fprintf(s.Out, "%s %s: PuTTY session %q keep-alive restored to %s (was %s)\n", verb, ch.Location, ch.Session, fmtSeconds(ch.After.Interval()), fmtSeconds(ch.Before.Interval()))
		case ch.Before == ch.After:
			fmt.Fprintf(s.Out, "%s %s: PuTTY session %q: removed keepalive's record (the keep-alive %s was changed since)\n", verb, ch.Location, ch.Session, fmtSeconds(ch.After.Interval()))
		default:
			fmt.Fprintf(s.Out, "%s %s: PuTTY session %q keep-alive %s (was %s)\n", verb, ch.Location, ch.Session, fmtSeconds(ch.After.Interval()), fmtSeconds(ch.Before.Interval()))
		}
	}
}

// puttyError adds what to do to a failed session write.
func puttyError(ch putty.Change, err error) error {
	if errors.Is(err, putty.ErrNoSession) {
		return withHint(fmt.Errorf("%s: %w", ch.Location, err), "add --create to save it as a copy of Default Settings")
	}
	if errors.Is(err, fs.ErrPermission) {
		return withHint(err, "PuTTY sessions belong to their user: run keepalive as that user, and check the permissions of "+ch.Location)
	}
	return err
}

// puttyListJS is one session in `keepalive putty --list --json`.
type puttyListJS struct {
	Session          string `json:"session"`
	KeepAlive        int    `json:"keepalive"`
	PingInterval     int    `json:"ping_interval"`
	PingIntervalSecs int    `json:"ping_interval_secs"`
	Location         string `json:"location"`
	Saved            bool   `json:"saved"`
}

// listPutty prints sessions and their keep-alive: Default Settings (saved
// or not) and every saved session, or the named ones.
func listPutty(s Streams, store putty.Store, names []string, asJSON bool) error {
	var sessions []putty.Session
	if len(names) == 0 {
		saved, err := store.Sessions()
		if err != nil {
			return fmt.Errorf("list PuTTY sessions in %s: %w", store.Where(), err)
		}
		if len(saved) == 0 || saved[0].Name != putty.DefaultSettings {
			ds, err := store.Session(putty.DefaultSettings)
			if err != nil {
				return err
			}
			sessions = append(sessions, ds)
		}
		sessions = append(sessions, saved...)
	} else {
		var unknown []string
		for _, n := range names {
			ss, err := store.Session(n)
			if errors.Is(err, putty.ErrNoSession) {
				unknown = append(unknown, n)
				continue
			}
			if err != nil {
				return err
			}
			sessions = append(sessions, ss)
		}
		if len(unknown) > 0 {
			return unknownSessions(store, unknown)
		}
	}
	if asJSON {
		out := make([]puttyListJS, 0, len(sessions))
		for _, ss := range sessions {
			out = append(out, puttyListJS{
				Session: ss.Name, KeepAlive: ss.KeepAlive.Interval(),
				PingInterval: ss.KeepAlive.Minutes, PingIntervalSecs: ss.KeepAlive.Seconds,
				Location: ss.Location, Saved: ss.Saved,
			})
		}
		return writeJSON(s, out)
	}
	tw := tabwriter.NewWriter(s.Out, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "SESSION\tKEEP-ALIVE\tWHERE")
	for _, ss := range sessions {
		ka := fmtSeconds(ss.KeepAlive.Interval())
		if ss.KeepAlive.Minutes != 0 {
			// The legacy minutes are easy to miss: say where the value
			// comes from.
			ka += fmt.Sprintf(" (PingInterval %d min + PingIntervalSecs %d)", ss.KeepAlive.Minutes, ss.KeepAlive.Seconds)
		}
		where := ss.Location
		if !ss.Saved {
			where = "not saved: PuTTY's built-in defaults"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", displayName(ss.Name), ka, where)
	}
	return tw.Flush()
}

// fmtSeconds shows a keep-alive interval.
func fmtSeconds(n int) string {
	if n == 0 {
		return "off"
	}
	return strconv.Itoa(n) + "s"
}

// displayName quotes a session name only when it would not print cleanly.
func displayName(n string) string {
	for _, r := range n {
		if !unicode.IsPrint(r) || r == '\t' {
			return strconv.Quote(n)
		}
	}
	return n
}

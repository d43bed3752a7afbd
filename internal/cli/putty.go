package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/keepalive-ssh/keepalive/internal/account"
	"github.com/keepalive-ssh/keepalive/internal/edit"
	"github.com/keepalive-ssh/keepalive/internal/input"
	"github.com/keepalive-ssh/keepalive/internal/privilege"
	"github.com/keepalive-ssh/keepalive/internal/putty"
	"github.com/keepalive-ssh/keepalive/internal/report"
)

type puttyOptions struct {
	writeFlags
	Sessions    []string
	Interval    string
	intervalSet bool
	List        bool
	Create      bool
	App         string
}

func newPuttyCmd(s Streams, m *Machine) *cobra.Command {
	o := &puttyOptions{}
	cmd := &cobra.Command{
		Use:   "putty",
		Short: "Turn on keep-alives in PuTTY saved sessions",
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.intervalSet = cmd.Flags().Changed("interval")
			return runPutty(s, m, o)
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&o.Sessions, "session", nil, "only this saved session (repeatable; `NAME` as PuTTY shows it)")
	f.StringVar(&o.Interval, "interval", defaultInterval, "a keep-alive every `DURATION`: seconds or an OpenSSH time (60, 5m, 1m30s); without it a session's keep-alive that is on is kept")
	f.BoolVar(&o.List, "list", false, "list the sessions and their keep-alive; change nothing")
	f.StringVar(&o.App, "app", "", "only the sessions of `PROGRAM`, putty or kitty (default: each that has saved sessions)")
	f.BoolVar(&o.Create, "create", false, "save a --session that does not exist yet, as a copy of Default Settings")
	o.writeFlags.register(cmd)
	f.Lookup("backup").Usage = "keep each previous session file as FILE.keepalive.bak (.1, .2, ... if taken; PuTTY lists it as a session \"NAME.keepalive.bak\")"
	f.Lookup("json").Usage = "print the result (or with --list the sessions) as JSON"
	return cmd
}

func runPutty(s Streams, m *Machine, o *puttyOptions) error {
	names, err := input.SessionNames(o.Sessions)
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
		store, err := m.SessionStore(o.App)
		if err != nil {
			return err
		}
		return listPutty(s, store, names, o.JSON)
	}
	seconds, err := input.Interval("--interval", o.Interval)
	if err != nil {
		return err
	}
	t, err := sessionsTarget(s, m, names, o.App, o.writeFlags)
	if err != nil {
		return err
	}
	t.Create = o.Create
	res, err := t.Enable(edit.Values{Interval: seconds, IntervalSet: o.intervalSet})
	return printResult(s, o.writeFlags, res, err)
}

// sessionsTarget is the edit of the named PuTTY sessions (all when none).
func sessionsTarget(s Streams, m *Machine, sessions []string, app string, wf writeFlags) (*edit.Sessions, error) {
	names, err := input.SessionNames(sessions)
	if err != nil {
		return nil, err
	}
	store, err := m.SessionStore(app)
	if err != nil {
		return nil, err
	}
	if fs, ok := store.(*putty.FileStore); ok {
		// sudo -E keeps the user's $HOME: their sessions are edited as them.
		if err := privilege.ForPath(fs.Dir); err != nil {
			return nil, err
		}
	}
	if n := account.PuttySudoNote(store.Where()); n != "" {
		fmt.Fprintf(s.Err, "keepalive: note: %s\n", n)
	}
	if w := putty.BackupWarning(store); w != "" && wf.Backup {
		fmt.Fprintf(s.Err, "keepalive: warning: %s\n", w)
	}
	return &edit.Sessions{Options: wf.options(s), Store: store, Names: names}, nil
}

// listPutty prints sessions and their keep-alive: Default Settings (saved
// or not) and every saved session, or the named ones.
func listPutty(s Streams, store putty.Store, names []string, asJSON bool) error {
	sessions, err := (&edit.Sessions{Store: store, Names: names}).List()
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(s, report.PuttyListJSON(sessions))
	}
	return report.PuttyList(s.Out, sessions)
}

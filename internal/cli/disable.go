package cli

import (
	"github.com/keepalive-ssh/keepalive/internal/edit"
	"github.com/spf13/cobra"
)

type disableOptions struct {
	clientFlags
	writeFlags
	Server bool
	Putty  bool
	// With --server:
	Match      string
	NoValidate bool
	Reload     bool
	// Sessions are the PuTTY sessions for --putty (all when empty).
	Sessions []string
	// App picks PuTTY's or KiTTY's sessions for --putty.
	App string
}

func newDisableCmd(s Streams, m *Machine) *cobra.Command {
	o := &disableOptions{}
	cmd := &cobra.Command{
		Use:   "disable",
		Short: "Undo the keep-alive settings that enable, server or putty made",
		RunE:  func(*cobra.Command, []string) error { return runDisable(s, m, o) },
	}
	o.clientFlags.register(cmd)
	o.writeFlags.register(cmd)
	cmd.Flags().BoolVar(&o.Server, "server", false, "edit the server config, /etc/ssh/sshd_config")
	cmd.Flags().BoolVar(&o.Putty, "putty", false, "undo the keep-alive of PuTTY saved sessions")
	cmd.Flags().StringArrayVar(&o.Sessions, "session", nil, "with --putty: only the saved session `NAME` (repeatable)")
	cmd.Flags().StringVar(&o.App, "app", "", "with --putty: only the sessions of `PROGRAM`, putty or kitty")
	cmd.Flags().StringVar(&o.Match, "match", "", "with --server: remove the values of the Match block with these `CRITERIA`")
	cmd.Flags().BoolVar(&o.NoValidate, "no-validate", false, "do not check the result with ssh -G (sshd -t with --server)")
	cmd.Flags().BoolVar(&o.Reload, "reload", false, "with --server: reload the running sshd after the change")
	cmd.Flags().BoolVar(&o.writeFlags.All, "all", false, "remove every keep-alive setting in scope, whoever set it, not only keepalive's")
	return cmd
}

func runDisable(s Streams, m *Machine, o *disableOptions) error {
	n := 0
	for _, b := range []bool{o.User, o.System, o.Server, o.Putty} {
		if b {
			n++
		}
	}
	if n > 1 {
		return usageErrorf("--user, --system, --server and --putty cannot be combined: pick one")
	}
	if !o.Server && (o.Match != "" || o.Reload) {
		return usageErrorf("--match and --reload go with --server")
	}
	if !o.Putty && (len(o.Sessions) > 0 || o.App != "") {
		return usageErrorf("--session and --app go with --putty")
	}
	t, err := o.target(s, m)
	if err != nil {
		return err
	}
	res, err := t.Disable()
	return printResult(s, o.writeFlags, res, err)
}

// target is what disable edits: the client config (the default), sshd's
// config or the PuTTY sessions.
func (o *disableOptions) target(s Streams, m *Machine) (edit.Target, error) {
	switch {
	case o.Server:
		if o.Host != "*" {
			return nil, usageErrorf("--host goes with --user or --system; --server removes the global ClientAlive settings")
		}
		sf := serverFlags{Match: o.Match, File: o.File, Root: o.Root, Reload: o.Reload, NoValidate: o.NoValidate}
		return sf.target(s, m, o.writeFlags)
	case o.Putty:
		return sessionsTarget(s, m, o.Sessions, o.App, o.writeFlags)
	}
	if err := o.clientFlags.validate(); err != nil {
		return nil, err
	}
	o.clientFlags.NoValidate = o.NoValidate
	return o.clientFlags.target(s, m, o.writeFlags)
}

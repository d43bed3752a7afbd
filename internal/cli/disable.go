package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/keepalive-ssh/keepalive/internal/placement"
	"github.com/keepalive-ssh/keepalive/internal/sshconf"
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
	// All removes every keep-alive in scope, not only keepalive's.
	All bool
}

func newDisableCmd(s Streams) *cobra.Command {
	o := &disableOptions{}
	cmd := &cobra.Command{
		Use:   "disable",
		Short: "Remove the keep-alive settings that enable, server or putty made",
		Long: `Undo what enable, server or putty did: for --host in the client config
(--user, the default, or --system), in sshd_config (--server), or in PuTTY
sessions (--putty). Lines keepalive added go, values it replaced come back
(it recorded them in a "# keepalive:" comment above each line it wrote), and
a keep-alive someone else set, or changed since, stays and is named. So enable
then disable gives back every file byte for byte.

--all removes every ServerAliveInterval and ServerAliveCountMax in scope
(ClientAlive* with --server), whoever set them.`,
		RunE: func(*cobra.Command, []string) error { return runDisable(s, o) },
	}
	o.clientFlags.register(cmd)
	o.writeFlags.register(cmd)
	cmd.Flags().BoolVar(&o.Server, "server", false, "edit the server config, /etc/ssh/sshd_config")
	cmd.Flags().BoolVar(&o.Putty, "putty", false, "turn off keep-alives in PuTTY saved sessions")
	cmd.Flags().StringArrayVar(&o.Sessions, "session", nil, "with --putty: only this session (repeatable)")
	cmd.Flags().StringVar(&o.Match, "match", "", "with --server: remove the values of the Match block with these `CRITERIA`")
	cmd.Flags().BoolVar(&o.NoValidate, "no-validate", false, "with --server: do not check the result with sshd -t")
	cmd.Flags().BoolVar(&o.Reload, "reload", false, "with --server: reload the running sshd after the change")
	cmd.Flags().BoolVar(&o.All, "all", false, "remove every keep-alive setting in scope, whoever set it, not only keepalive's")
	return cmd
}

func runDisable(s Streams, o *disableOptions) error {
	n := 0
	for _, b := range []bool{o.User, o.System, o.Server, o.Putty} {
		if b {
			n++
		}
	}
	if n > 1 {
		return usageErrorf("--user, --system, --server and --putty cannot be combined: pick one")
	}
	if !o.Server && (o.Match != "" || o.NoValidate || o.Reload) {
		return usageErrorf("--match, --no-validate and --reload go with --server")
	}
	switch {
	case o.Server:
		return runServerDisable(s, o)
	case o.Putty:
		return runPuttyDisable(s, o.Sessions, o.All, o.writeFlags)
	}
	if len(o.Sessions) > 0 {
		return usageErrorf("--session goes with --putty")
	}
	if err := o.clientFlags.validate(); err != nil {
		return err
	}
	keys := []string{sshconf.ServerAliveInterval, sshconf.ServerAliveCountMax}
	summary := fmt.Sprintf("removed keepalive's ServerAliveInterval and ServerAliveCountMax for Host %s", o.Host)
	idle := fmt.Sprintf("nothing to remove: keepalive set no ServerAliveInterval or ServerAliveCountMax for Host %s", o.Host)
	disable := placement.Disable
	if o.All {
		disable = placement.DisableAll
		idle = fmt.Sprintf("nothing to remove: no ServerAliveInterval or ServerAliveCountMax for Host %s", o.Host)
	}
	return editClient(s, &o.clientFlags, o.writeFlags, func(sc placement.Scope) *placement.Plan {
		return disable(sc, keys)
	}, summary, idle)
}

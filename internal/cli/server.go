package cli

import (
	"github.com/spf13/cobra"

	"github.com/keepalive-ssh/keepalive/internal/account"
	"github.com/keepalive-ssh/keepalive/internal/edit"
	"github.com/keepalive-ssh/keepalive/internal/input"
	"github.com/keepalive-ssh/keepalive/internal/placement"
	"github.com/keepalive-ssh/keepalive/internal/privilege"
)

// serverFlags select the sshd config an edit is for; server and disable
// --server share them.
type serverFlags struct {
	Match      string
	File, Root string
	Reload     bool
	NoValidate bool
}

type serverOptions struct {
	writeFlags
	serverFlags
	Interval, Count string
	// intervalSet and countSet: given on the command line, so they win
	// over a value in effect.
	intervalSet, countSet bool
	DropIn                bool
}

func newServerCmd(s Streams, m *Machine) *cobra.Command {
	o := &serverOptions{}
	cmd := &cobra.Command{
		Use:   "server",
		Short: "Turn on keep-alives in the OpenSSH server config (sshd_config)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.intervalSet = cmd.Flags().Changed("interval")
			o.countSet = cmd.Flags().Changed("count")
			return runServer(s, m, o)
		},
	}
	o.writeFlags.register(cmd)
	f := cmd.Flags()
	f.StringVar(&o.Interval, "interval", defaultInterval, "a keep-alive every `DURATION`: seconds or an OpenSSH time (60, 5m, 1m30s); without it a value in effect is kept")
	f.StringVar(&o.Count, "count", defaultCount, "disconnect the client after `N` unanswered keep-alives; without it a value in effect is kept")
	f.StringVar(&o.Match, "match", "", `set the values for a Match block with these `+"`CRITERIA`"+` ("User bob")`)
	f.BoolVar(&o.DropIn, "drop-in", false, "write sshd_config.d/"+placement.DropInName+" instead of sshd_config")
	f.StringVar(&o.File, "file", "", "edit the sshd_config at `PATH` instead of the default one")
	f.StringVar(&o.Root, "root", "", "treat `DIR` as / for system paths and absolute Includes")
	f.BoolVar(&o.Reload, "reload", false, "reload the running sshd after the change (never restarts it)")
	f.BoolVar(&o.NoValidate, "no-validate", false, "do not check the config with sshd -t (for machines without sshd)")
	return cmd
}

func runServer(s Streams, m *Machine, o *serverOptions) error {
	interval, err := input.Interval("--interval", o.Interval)
	if err != nil {
		return err
	}
	count, err := input.ClientAliveCount("--count", o.Count)
	if err != nil {
		return err
	}
	if o.Match != "" && o.DropIn {
		return usageErrorf("--match and --drop-in cannot be combined: a Match block goes into sshd_config")
	}
	t, err := o.serverFlags.target(s, m, o.writeFlags)
	if err != nil {
		return err
	}
	t.DropIn = o.DropIn
	res, err := t.Enable(edit.Values{Interval: interval, Count: count, IntervalSet: o.intervalSet, CountSet: o.countSet})
	return printResult(s, o.writeFlags, res, err)
}

// target builds the edit of sshd's config.
func (sf *serverFlags) target(s Streams, m *Machine, wf writeFlags) (*edit.Server, error) {
	t := &edit.Server{
		Options: wf.options(s), Match: sf.Match, Reload: sf.Reload, Local: sf.Root == "",
		NoValidate: sf.NoValidate, FindProgram: m.FindProgram, FindReload: m.FindReload,
		OtherFile: sf.File != "" && !account.IsServerConfig(sf.File),
	}
	if sf.Match != "" {
		args, err := placement.ParseMatch(sf.Match)
		if err != nil {
			return nil, usageErrorf("invalid --match %q: %v", sf.Match, err)
		}
		t.MatchArgs = args
	}
	if sf.Reload && sf.Root != "" {
		return nil, usageErrorf("--reload reloads this machine's sshd and cannot be combined with --root")
	}
	if err := account.RequireRoot(sf.Root); err != nil {
		return nil, err
	}
	main := sf.File
	if main == "" {
		main = account.ServerConfig(sf.Root)
	}
	if err := privilege.ForPath(main); err != nil {
		return nil, err
	}
	t.Scope = placement.Scope{Opts: account.ServerChain(main, sf.Root)}
	t.Scope.Opts.Version = m.Version
	return t, nil
}

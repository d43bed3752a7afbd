package cli

import (
	"github.com/keepalive-ssh/keepalive/internal/edit"
	"github.com/keepalive-ssh/keepalive/internal/input"
	"github.com/spf13/cobra"
)

type enableOptions struct {
	clientFlags
	writeFlags
	Interval, Count string
}

func newEnableCmd(s Streams, m *Machine) *cobra.Command {
	o := &enableOptions{}
	cmd := &cobra.Command{
		Use:   "enable",
		Short: "Turn on keep-alives in the OpenSSH client config",
		Long: `Set ServerAliveInterval and ServerAliveCountMax so that ssh sends a keep-alive
through the encrypted channel every --interval seconds and gives up after
--count unanswered ones.

An existing effective setting is updated where it is (even in an Included file);
otherwise a general default goes into a "Host *" block at the end of the file,
and a --host setting into its own Host block before the general ones.`,
		Example: `  keepalive enable                          # ~/.ssh/config, every host
  keepalive enable --interval 60 --host '*.example.com'
  sudo keepalive enable --system            # /etc/ssh/ssh_config`,
		RunE: func(*cobra.Command, []string) error { return runEnable(s, m, o) },
	}
	o.clientFlags.register(cmd)
	o.writeFlags.register(cmd)
	cmd.Flags().StringVar(&o.Interval, "interval", "300", "seconds between keep-alives (300, 5m, 1m30s)")
	cmd.Flags().StringVar(&o.Count, "count", "2", "unanswered keep-alives before ssh disconnects")
	return cmd
}

func runEnable(s Streams, m *Machine, o *enableOptions) error {
	if err := o.clientFlags.validate(); err != nil {
		return err
	}
	interval, err := input.Interval("--interval", o.Interval)
	if err != nil {
		return err
	}
	count, err := input.Count("--count", o.Count)
	if err != nil {
		return err
	}
	t, err := o.clientFlags.target(s, m, o.writeFlags)
	if err != nil {
		return err
	}
	res, err := t.Enable(edit.Values{Interval: interval, Count: count})
	return printResult(s, o.writeFlags, res, err)
}

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
	// intervalSet and countSet: given on the command line, so they win
	// over a value in effect.
	intervalSet, countSet bool
}

// Defaults: a keep-alive every 60 s, given up after 2 unanswered.
const (
	defaultInterval = "60"
	defaultCount    = "2"
)

func newEnableCmd(s Streams, m *Machine) *cobra.Command {
	o := &enableOptions{}
	cmd := &cobra.Command{
		Use:   "enable",
		Short: "Turn on keep-alives in the OpenSSH client config",
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.intervalSet = cmd.Flags().Changed("interval")
			o.countSet = cmd.Flags().Changed("count")
			return runEnable(s, m, o)
		},
	}
	o.clientFlags.register(cmd)
	o.writeFlags.register(cmd)
	cmd.Flags().StringVar(&o.Interval, "interval", defaultInterval, "a keep-alive every `DURATION`: seconds or an OpenSSH time (60, 5m, 1m30s); without it a value in effect is kept")
	cmd.Flags().StringVar(&o.Count, "count", defaultCount, "give up after `N` unanswered keep-alives; without it a value in effect is kept")
	cmd.Flags().BoolVar(&o.NoValidate, "no-validate", false, "do not check the config with ssh -G")
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
	res, err := t.Enable(edit.Values{Interval: interval, Count: count, IntervalSet: o.intervalSet, CountSet: o.countSet})
	return printResult(s, o.writeFlags, res, err)
}

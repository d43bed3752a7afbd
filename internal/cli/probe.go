package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/keepalive-ssh/keepalive/internal/input"
	"github.com/keepalive-ssh/keepalive/internal/probe"
)

type probeOptions struct {
	Host    string
	Max     string
	JSON    bool
	SSH     string
	SSHArgs []string
}

func newProbeCmd(s Streams) *cobra.Command {
	o := &probeOptions{}
	cmd := &cobra.Command{
		Use:   "probe HOST [-- SSH_ARGS...]",
		Short: "Measure how long the path to HOST keeps an idle SSH connection",
		Args: func(cmd *cobra.Command, args []string) error {
			n := len(args)
			if dash := cmd.ArgsLenAtDash(); dash >= 0 {
				n = dash
			}
			if n != 1 {
				return usageErrorf("probe takes one HOST before any -- and ssh arguments, got %d", n)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Host, o.SSHArgs = args[0], args[1:]
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runProbe(ctx, s, o)
		},
	}
	cmd.Flags().StringVar(&o.Max, "max", "10m", "longest idle `DURATION` to try, 5s to 4h (600, 10m, 1h30m)")
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print the result as JSON")
	cmd.Flags().StringVar(&o.SSH, "ssh", "ssh", "the ssh `PROGRAM` to run")
	return cmd
}

func runProbe(ctx context.Context, s Streams, o *probeOptions) error {
	limit, err := input.Duration("--max", o.Max, probe.MinMax, probe.MaxMax, probe.Format)
	if err != nil {
		return err
	}
	if o.SSH == "" {
		return usageErrorf("--ssh is empty; want the path or name of an OpenSSH ssh program")
	}
	// Progress is a diagnostic, so it goes to stderr: a bar when that is a
	// terminal; plain lines otherwise, except under --json, whose readers
	// are scripts.
	opts := probe.Options{Host: o.Host, SSH: o.SSH, SSHArgs: o.SSHArgs, Max: limit}
	if s.ErrTTY || !o.JSON {
		opts.Progress, opts.ProgressTTY = s.Err, s.ErrTTY
	}
	res, err := probe.Run(ctx, opts)
	if err != nil {
		if errors.Is(err, probe.ErrNoSession) {
			return withHint(err, fmt.Sprintf("check that `%s` logs in without a prompt", opts.LoginCommand()))
		}
		return fmt.Errorf("probe %s: %w", o.Host, err)
	}
	if o.JSON {
		err = probe.WriteJSON(s.Out, res)
	} else {
		err = probe.WriteText(s.Out, res)
	}
	if err != nil {
		return err
	}
	if res.Interrupted {
		return errors.New("probe interrupted: the result above is partial")
	}
	return nil
}

package cli

import "github.com/spf13/cobra"

func newProbeCmd(s Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "probe HOST",
		Short: "not implemented yet (issue 9)",
		Args:  cobra.ExactArgs(1),
		RunE: func(*cobra.Command, []string) error {
			return notYet("issue 9")
		},
	}
}

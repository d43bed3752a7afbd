package cli

import "github.com/spf13/cobra"

func newPuttyCmd(s Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "putty",
		Short: "not implemented yet (issue 5)",
		RunE: func(*cobra.Command, []string) error {
			return notYet("issue 5")
		},
	}
}

func runPuttyDisable(s Streams, sessions []string, dryRun, backup bool) error {
	return notYet("issue 5")
}

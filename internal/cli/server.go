package cli

import "github.com/spf13/cobra"

func newServerCmd(s Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "server",
		Short: "not implemented yet (issue 3)",
		RunE: func(*cobra.Command, []string) error {
			return notYet("issue 3")
		},
	}
}

func runServerDisable(s Streams, o *disableOptions) error {
	return notYet("issue 3")
}

package cli

import "github.com/spf13/cobra"

func newDisableCmd(s Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "disable",
		Short: "not implemented yet (issue 2)",
		RunE: func(*cobra.Command, []string) error {
			return notYet("issue 2")
		},
	}
}

package cli

import "github.com/spf13/cobra"

func newEnableCmd(s Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "enable",
		Short: "not implemented yet (issue 2)",
		RunE: func(*cobra.Command, []string) error {
			return notYet("issue 2")
		},
	}
}

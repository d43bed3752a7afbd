package cli

import "github.com/spf13/cobra"

func newShowCmd(s Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "show",
		Short: "not implemented yet (issue 4)",
		RunE: func(*cobra.Command, []string) error {
			return notYet("issue 4")
		},
	}
}

package cli

import (
	"github.com/spf13/cobra"

	"github.com/keepalive-ssh/keepalive/internal/account"
	"github.com/keepalive-ssh/keepalive/internal/input"
	"github.com/keepalive-ssh/keepalive/internal/putty"
	"github.com/keepalive-ssh/keepalive/internal/resolve"
	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// Shell completion beyond what cobra generates from the command tree:
// --host from the Host patterns of the config the command would read,
// --session from the saved PuTTY sessions. The functions run inside
// `keepalive __complete ...` on every <Tab>, so they read, never write, and
// any error just means no suggestions.

// registerCompletions attaches completion to the flags of root's commands
// by name, so that a command gets it by defining the flag. A command that
// registers its own completion for a flag keeps it.
func registerCompletions(root *cobra.Command, m *Machine) {
	for _, c := range root.Commands() {
		// enable and disable take a Host pattern; the others a host name.
		patterns := c.Name() == "enable" || c.Name() == "disable"
		setFlagCompletion(c, "host", func(cmd *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
			return completeHosts(cmd, prefix, patterns), cobra.ShellCompDirectiveNoFileComp
		})
		setFlagCompletion(c, "session", func(cmd *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
			app, _ := cmd.Flags().GetString("app")
			return completeSessions(m, app, prefix), cobra.ShellCompDirectiveNoFileComp
		})
		setFlagCompletion(c, "app", cobra.FixedCompletions([]string{"putty", "kitty"}, cobra.ShellCompDirectiveNoFileComp))
		for _, name := range []string{"interval", "count"} {
			setFlagCompletion(c, name, cobra.NoFileCompletions)
		}
		if f := c.Flags().Lookup("root"); f != nil {
			if _, ok := c.GetFlagCompletionFunc("root"); !ok {
				_ = c.MarkFlagDirname("root")
			}
		}
		// probe HOST: a host to connect to.
		if c.Name() == "probe" && c.ValidArgsFunction == nil {
			c.ValidArgsFunction = func(cmd *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
				if len(args) > 0 {
					return nil, cobra.ShellCompDirectiveNoFileComp
				}
				return completeHosts(cmd, prefix, false), cobra.ShellCompDirectiveNoFileComp
			}
		}
	}
}

// setFlagCompletion registers fn for c's flag name, if c has that flag and
// no completion for it yet.
func setFlagCompletion(c *cobra.Command, name string, fn cobra.CompletionFunc) {
	if c.Flags().Lookup(name) == nil {
		return
	}
	if _, ok := c.GetFlagCompletionFunc(name); ok {
		return
	}
	_ = c.RegisterFlagCompletionFunc(name, fn)
}

// completeHosts offers the Host patterns of the config cmd would read
// (--file, --system, --root and, under sudo, --user are honoured): those
// of the files it edits (enable, disable) or that ssh reads (show, probe).
func completeHosts(cmd *cobra.Command, prefix string, patterns bool) []string {
	fl := cmd.Flags()
	if b, _ := fl.GetBool("server"); b {
		return nil // disable --server: sshd_config has no Host blocks
	}
	opts, err := hostCompletionOptions(cmd)
	if err != nil {
		cobra.CompDebugln(err.Error(), false)
		return nil
	}
	return input.HostCompletions(resolve.HostPatterns(opts), prefix, patterns, account.Tilde)
}

// hostCompletionOptions are the files to list Host patterns from.
func hostCompletionOptions(cmd *cobra.Command) (resolve.Options, error) {
	fl := cmd.Flags()
	file, _ := fl.GetString("file")
	root, _ := fl.GetString("root")
	system, _ := fl.GetBool("system")
	forUser, _ := fl.GetBool("user")
	acct, err := account.Current(forUser)
	reads := cmd.Name() != "enable" && cmd.Name() != "disable"
	return resolve.Options{Dialect: sshconf.Client, FS: resolve.FS{Root: root}, Home: acct.Home,
		Files: acct.ClientFiles(file, system, root, reads)}, err
}

// completeSessions offers the saved sessions of PuTTY (and KiTTY's, as
// "kitty: NAME"), or of the --app program.
func completeSessions(m *Machine, app, prefix string) []string {
	store, err := m.SessionStore(app)
	if err != nil {
		cobra.CompDebugln(err.Error(), false)
		return nil
	}
	out, err := putty.Completions(store, prefix)
	if err != nil {
		cobra.CompDebugln(err.Error(), false)
	}
	return out
}

package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/keepalive-ssh/keepalive/internal/account"
	"github.com/keepalive-ssh/keepalive/internal/atomicfile"
	"github.com/keepalive-ssh/keepalive/internal/edit"
	"github.com/keepalive-ssh/keepalive/internal/input"
	"github.com/keepalive-ssh/keepalive/internal/placement"
	"github.com/keepalive-ssh/keepalive/internal/resolve"
	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// clientFlags select which client config an edit is for.
type clientFlags struct {
	User, System bool
	Host         string
	File, Root   string
	NoValidate   bool // skip ssh -G (enable and disable register the flag)
}

func (cf *clientFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.BoolVar(&cf.User, "user", false, "edit the user's config, ~/.ssh/config (the default)")
	f.BoolVar(&cf.System, "system", false, "edit the system-wide config, /etc/ssh/ssh_config")
	f.StringVar(&cf.Host, "host", "*", "the Host pattern the settings are for")
	f.StringVar(&cf.File, "file", "", "edit this file instead of the default one")
	f.StringVar(&cf.Root, "root", "", "treat `DIR` as / (a mounted image): its ssh_config with --system, else its user's ~/.ssh/config")
}

// validate checks the flags that cobra cannot: exit 2 on bad usage.
func (cf *clientFlags) validate() error {
	if cf.User && cf.System {
		return usageErrorf("--user and --system cannot be combined: pick the config to edit")
	}
	if err := input.HostPattern("--host", cf.Host); err != nil {
		return err
	}
	return nil
}

// scope builds the evaluation chain for the file to edit.
func (cf *clientFlags) scope(m *Machine) (placement.Scope, account.Account, error) {
	acct, err := account.Current(cf.User)
	if err != nil {
		return placement.Scope{}, account.Account{}, err
	}
	home := acct.Home
	if cf.Root != "" && cf.File == "" && !cf.System {
		// The image's own user config: '~' and relative Includes are
		// that home's, inside the image.
		home = account.HomeIn(cf.Root, acct.Name)
	}
	opts := resolve.Options{
		Dialect:   sshconf.Client,
		Version:   m.Version,
		FS:        resolve.FS{Root: cf.Root},
		Home:      home,
		Files:     acct.ClientFiles(cf.File, cf.System, cf.Root, false),
		LocalUser: acct.Name,
	}
	localTokens(&opts)
	return placement.Scope{Opts: opts, Host: cf.Host}, acct, nil
}

// writeOptions are the atomicfile options for a config of acct: a user's
// config is 0600, a system one 0644 so that every user's ssh can read it.
func writeOptions(acct account.Account, system bool) atomicfile.Options {
	if system {
		return atomicfile.Options{Perm: 0o644, DirPerm: 0o755}
	}
	wo := atomicfile.Options{Perm: 0o600, DirPerm: 0o700}
	if acct.Sudo {
		wo.SetOwner, wo.UID, wo.GID = true, acct.UID, acct.GID
	}
	return wo
}

// target builds the edit of the client config the flags name, and says
// whose it is when that may surprise.
func (cf *clientFlags) target(s Streams, m *Machine, wf writeFlags) (*edit.Client, error) {
	sc, acct, err := cf.scope(m)
	if err != nil {
		return nil, err
	}
	main := sc.Main()
	if err := actAsController(main); err != nil {
		return nil, err
	}
	if (acct.Sudo || ranForSudo(cf.User)) && !cf.System && cf.File == "" {
		fmt.Fprintf(s.Err, "keepalive: editing %s's config %s (the user who ran sudo)\n", acct.Name, main)
	}
	if !cf.System && cf.File == "" && acct.PwHome != "" && filepath.Clean(acct.PwHome) != filepath.Clean(acct.Home) {
		fmt.Fprintf(s.Err, "keepalive: note: editing %s because $HOME is %s, but ssh reads %s (it ignores $HOME)\n",
			main, acct.Home, account.UserConfig(acct.PwHome))
	}
	if err := requireRoot(cf.Root); err != nil {
		return nil, err
	}
	wo := writeOptions(acct, cf.System)
	wo.Root = cf.Root
	t := &edit.Client{Options: wf.options(s), Scope: sc, Write: wo, NoValidate: cf.NoValidate, FindProgram: m.FindProgram}
	if cf.File == "" && !cf.System {
		t.CreateDir = filepath.Dir(main) // ~/.ssh, 0700, the one directory keepalive creates
	}
	return t, nil
}

// requireRoot refuses a --root that is not a directory: keepalive creates
// no directory trees.
func requireRoot(root string) error {
	if root == "" {
		return nil
	}
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		return withHint(fmt.Errorf("--root %s: not a directory; nothing was written", root),
			"give the directory where the image or container is mounted")
	}
	return nil
}

// homeForDisplay shortens paths in messages under the user's home.
func homeForDisplay(p string) string {
	if h, err := os.UserHomeDir(); err == nil && strings.HasPrefix(p, h+"/") {
		return "~" + p[len(h):]
	}
	return p
}

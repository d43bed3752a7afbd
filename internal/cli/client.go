package cli

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/keepalive-ssh/keepalive/internal/account"
	"github.com/keepalive-ssh/keepalive/internal/edit"
	"github.com/keepalive-ssh/keepalive/internal/input"
	"github.com/keepalive-ssh/keepalive/internal/placement"
	"github.com/keepalive-ssh/keepalive/internal/privilege"
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
	f.BoolVar(&cf.User, "user", false, "edit your ~/.ssh/config (the default); under sudo, that of the user who ran sudo, as them")
	f.BoolVar(&cf.System, "system", false, "edit the system-wide config, /etc/ssh/ssh_config")
	f.StringVar(&cf.Host, "host", "*", "the Host `PATTERN` the settings are for")
	f.StringVar(&cf.File, "file", "", "edit the file at `PATH` instead of the default one")
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
	opts := acct.EditChain(cf.File, cf.System, cf.Root)
	opts.Version = m.Version
	return placement.Scope{Opts: opts, Host: cf.Host}, acct, nil
}

// target builds the edit of the client config the flags name, and says
// whose it is when that may surprise.
func (cf *clientFlags) target(s Streams, m *Machine, wf writeFlags) (*edit.Client, error) {
	sc, acct, err := cf.scope(m)
	if err != nil {
		return nil, err
	}
	main := sc.Main()
	if err := privilege.ForPath(main); err != nil {
		return nil, err
	}
	own := !cf.System && cf.File == "" // the user's own ~/.ssh/config
	for _, n := range acct.EditNotes(cf.User, main) {
		if own {
			fmt.Fprintf(s.Err, "keepalive: note: %s\n", n)
		}
	}
	if err := account.RequireRoot(cf.Root); err != nil {
		return nil, err
	}
	t := &edit.Client{Options: wf.options(s), Scope: sc, Write: acct.WriteOptions(cf.System, cf.Root), NoValidate: cf.NoValidate, FindProgram: m.FindProgram}
	if own {
		t.CreateDir = filepath.Dir(main) // ~/.ssh, 0700, the one directory keepalive creates
	}
	return t, nil
}

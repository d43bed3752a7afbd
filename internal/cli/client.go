package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/keepalive-ssh/keepalive/internal/atomicfile"
	"github.com/keepalive-ssh/keepalive/internal/placement"
	"github.com/keepalive-ssh/keepalive/internal/resolve"
	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// clientFlags select which client config an edit is for.
type clientFlags struct {
	User, System bool
	Host         string
	File, Root   string
}

func (cf *clientFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.BoolVar(&cf.User, "user", false, "edit the user's config, ~/.ssh/config (the default)")
	f.BoolVar(&cf.System, "system", false, "edit the system-wide config, /etc/ssh/ssh_config")
	f.StringVar(&cf.Host, "host", "*", "the Host pattern the settings are for")
	f.StringVar(&cf.File, "file", "", "edit this file instead of the default one")
	f.StringVar(&cf.Root, "root", "", "treat `DIR` as / for system paths and absolute Includes")
}

// validate checks the flags that cobra cannot: exit 2 on bad usage.
func (cf *clientFlags) validate() error {
	if cf.User && cf.System {
		return usageErrorf("--user and --system cannot be combined: pick the config to edit")
	}
	if err := validatePattern("--host", cf.Host); err != nil {
		return err
	}
	return nil
}

// validatePattern accepts one OpenSSH Host pattern: no blanks, quotes or
// '#', which would turn into several patterns or a comment.
func validatePattern(flag, p string) error {
	if p == "" || strings.ContainsAny(p, " \t\r\n\"'#,=\\") || p == "!" {
		return usageErrorf("invalid %s %q: want one Host pattern such as example.com, *.example.com or 10.0.0.?", flag, p)
	}
	if strings.HasPrefix(p, "!") {
		return usageErrorf("invalid %s %q: a negated pattern alone matches no host; name the hosts to configure", flag, p)
	}
	return nil
}

// scope builds the evaluation chain for the file to edit.
func (cf *clientFlags) scope() (placement.Scope, account, error) {
	acct, err := currentAccount(cf.User)
	if err != nil {
		return placement.Scope{}, account{}, err
	}
	in := resolve.Input{Path: userConfig(acct.Home), User: true}
	switch {
	case cf.File != "":
		in = resolve.Input{Path: cf.File, User: !cf.System}
	case cf.System:
		in = resolve.Input{Path: systemClientConfig(cf.Root)}
	}
	opts := resolve.Options{
		Dialect:   sshconf.Client,
		Version:   installedVersion(),
		FS:        resolve.FS{Root: cf.Root},
		Home:      acct.Home,
		Files:     []resolve.Input{in},
		LocalUser: acct.Name,
	}
	localTokens(&opts)
	return placement.Scope{Opts: opts, Host: cf.Host}, acct, nil
}

// writeOptions are the atomicfile options for a config of acct.
func writeOptions(acct account, backup bool) atomicfile.Options {
	wo := atomicfile.Options{Backup: backup, Perm: 0o600, DirPerm: 0o700}
	if acct.Sudo {
		wo.SetOwner, wo.UID, wo.GID = true, acct.UID, acct.GID
	}
	return wo
}

// editClient runs one locked read-plan-write cycle on a client config.
func editClient(s Streams, cf *clientFlags, wf writeFlags, plan func(placement.Scope) *placement.Plan, summary, idle string) error {
	sc, acct, err := cf.scope()
	if err != nil {
		return err
	}
	main := sc.Main()
	if acct.Sudo && !cf.System && cf.File == "" {
		fmt.Fprintf(s.Err, "keepalive: editing %s's config %s (the user who ran sudo)\n", acct.Name, main)
	}
	if !cf.System && cf.File == "" && acct.PwHome != "" && filepath.Clean(acct.PwHome) != filepath.Clean(acct.Home) {
		fmt.Fprintf(s.Err, "keepalive: note: editing %s because $HOME is %s, but ssh reads %s (it ignores $HOME)\n",
			main, acct.Home, userConfig(acct.PwHome))
	}
	if err := requireConfigFile(main); err != nil {
		return err
	}
	unlock, err := atomicfile.Lock(main)
	if err != nil {
		return err
	}
	defer unlock()
	p := plan(sc)
	if err := requireComplete(sc, p); err != nil {
		return err
	}
	for _, o := range p.MayApply {
		fmt.Fprintf(s.Err, "keepalive: warning: %s: %s %s is in a block keepalive does not evaluate (%s) and may apply first\n",
			o.Pos(), o.Line().Key, o.Line().Value(), o.Header.Value())
	}
	if len(p.Shadowed) > 0 {
		var msgs []string
		for _, sh := range p.Shadowed {
			msgs = append(msgs, sh.Error())
		}
		return withHint(fmt.Errorf("%s would not take effect, so nothing was written:\n  %s", summary, strings.Join(msgs, "\n  ")),
			"change or remove the line named above, then run keepalive again")
	}
	// Only a change needs write permission: checking a configuration that
	// is already right works for anyone who can read it.
	if !wf.DryRun && !wf.Check {
		for _, path := range p.Changed() {
			if err := requireWritable(path); err != nil {
				return err
			}
		}
	}
	return applyPlan(s, p, wf, writeOptions(acct, wf.Backup), summary+" in "+main, idle+" in "+main)
}

// maxConfigSize is the largest file resolve reads (resolve.maxFileSize).
const maxConfigSize = 64 << 20

// requireConfigFile refuses a config that exists but is not a regular file
// (reading a FIFO would block for ever, and a directory or a device is
// nothing keepalive can edit) or is too large to be a config. A missing
// file is fine: it is created.
func requireConfigFile(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return nil // other errors are reported, with their cause, on reading
	}
	if fi.Mode().IsRegular() {
		if fi.Size() > maxConfigSize {
			return withHint(fmt.Errorf("%s is too large for a config (%d bytes; at most %d); nothing was written", path, fi.Size(), maxConfigSize),
				"check that --file names the right file")
		}
		return nil
	}
	what := "not a regular file"
	switch m := fi.Mode(); {
	case m.IsDir():
		what = "a directory"
	case m&os.ModeNamedPipe != 0:
		what = "a FIFO"
	case m&os.ModeSocket != 0:
		what = "a socket"
	case m&os.ModeDevice != 0:
		what = "a device"
	}
	return withHint(fmt.Errorf("%s is %s, not a config file; nothing was written", path, what),
		"name a regular file (or one that does not exist yet)")
}

// requireComplete refuses a plan made from a partial evaluation: resolve
// stops when Include asks for unbounded work (a loop or a fan-out such as
// a file including itself ten times), and OpenSSH could not read such a
// configuration either. Only files with Include, or huge ones, can get
// there, so the others skip the extra evaluation.
func requireComplete(sc placement.Scope, p *placement.Plan) error {
	lines, include := 0, false
	for _, f := range p.Files {
		lines += len(f.Lines)
		for _, l := range f.Lines {
			if l.Kind == sshconf.Directive && strings.EqualFold(l.Key, "include") {
				include = true
				break
			}
		}
	}
	if !include && lines < 1<<20 {
		return nil
	}
	sc.Opts.Override = p.Files
	sc.Opts.Keys = []string{} // only whether the walk completes matters
	if stop := resolve.Resolve(sc.Opts).Stopped; stop != nil {
		return withHint(fmt.Errorf("%v; nothing was written", stop),
			"fix the Include named above: a file that includes itself, or a pattern that matches too much")
	}
	return nil
}

// parseCount reads --count: a positive whole number.
func parseCount(flag, v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err == nil && strings.HasPrefix(v, "+") {
		err = strconv.ErrSyntax // a plain count only, as --interval takes
	}
	if err != nil || n < 1 {
		why := "not a whole number"
		var ne *strconv.NumError
		if errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange) {
			why = "too large"
		} else if err == nil {
			why = "must be at least 1"
		}
		return 0, usageErrorf("invalid %s %q: %s; want a count from 1 to 2147483647", flag, v, why)
	}
	if n > maxInterval {
		return 0, usageErrorf("invalid %s %q: too large; want a count from 1 to 2147483647", flag, v)
	}
	return n, nil
}

func (wf *writeFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.BoolVar(&wf.DryRun, "dry-run", false, "print a unified diff of the change and write nothing")
	f.BoolVar(&wf.Check, "check", false, "write nothing; exit 3 if a change would be made")
	f.BoolVar(&wf.Backup, "backup", false, "keep the previous file as FILE.keepalive.bak")
	f.BoolVar(&wf.JSON, "json", false, `print {"changed": ..., "files": [...], "diff": ...}`)
	f.BoolVarP(&wf.Verbose, "verbose", "v", false, "show the diff of what changed")
}

// homeForDisplay shortens paths in messages under the user's home.
func homeForDisplay(p string) string {
	if h, err := os.UserHomeDir(); err == nil && strings.HasPrefix(p, h+"/") {
		return "~" + p[len(h):]
	}
	return p
}

package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/keepalive-ssh/keepalive/internal/oracle"
	"github.com/keepalive-ssh/keepalive/internal/placement"
	"github.com/keepalive-ssh/keepalive/internal/putty"
	"github.com/keepalive-ssh/keepalive/internal/report"
	"github.com/keepalive-ssh/keepalive/internal/resolve"
	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// showPuttyStore finds the PuTTY sessions show lists; tests replace it.
var showPuttyStore = putty.DefaultStore

type showOptions struct {
	Host       string
	JSON       bool
	Verify     string // "" (off), "yes", "exec" (ssh -G may run Match exec)
	AllowExec  bool
	File       string // client config to read instead of the default chain
	ServerFile string
	Root       string
	NoServer   bool
	NoPutty    bool

	env showEnv
}

// showEnv is where show looks; zero fields are filled from the process.
type showEnv struct {
	// UserConfig is the file ssh reads as the user's config: .ssh/config in
	// the home directory of the password database (ssh ignores $HOME here).
	UserConfig string
	// Home is what '~' means in an Include: ssh expands it from $HOME.
	Home      string
	LocalUser string
	// SSH and SSHD are the programs --verify runs ("" finds them).
	SSH, SSHD string
}

func newShowCmd(s Streams) *cobra.Command {
	o := &showOptions{}
	cmd := &cobra.Command{
		Use:   "show",
		Short: "Show the keep-alive values in effect and where they come from",
		Long: `Show the keep-alive values OpenSSH would use, each with the file:line it comes
from or "default":

  client  ServerAliveInterval, ServerAliveCountMax, TCPKeepAlive for --host, as
          "ssh -G HOST" computes them from ~/.ssh/config, /etc/ssh/ssh_config
          and their Includes (--file: only that file, like "ssh -F FILE");
          without --host, for a host that only general blocks (Host *) match
  server  ClientAliveInterval, ClientAliveCountMax, TCPKeepAlive from
          sshd_config and its drop-ins, the global values "sshd -T" prints
  PuTTY   each saved session's keep-alive

and warnings: lines that never take effect because an earlier one wins,
per-host values, a "Host *" at the top of a file, Match exec blocks keepalive
does not evaluate, keep-alives that are off or longer than common NAT and
load-balancer idle timeouts.

--verify runs the real "ssh -G" and "sshd -T" and reports any disagreement
(exit 1). ssh -G runs the commands of Match exec blocks, so it is skipped for
a config that has one unless --verify=exec (or --allow-exec) says so.`,
		Example: `  keepalive show
  keepalive show --host build.example.com --verify
  keepalive show --json --no-putty`,
		RunE: func(*cobra.Command, []string) error { return runShow(s, o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.Host, "host", "", "evaluate the client config for `HOST`, as typed after ssh (default: a host only general blocks match)")
	f.BoolVar(&o.JSON, "json", false, `print {"client": ..., "server": ..., "putty": [...], "warnings": [...]}`)
	f.StringVar(&o.Verify, "verify", "", "cross-check with the real ssh -G and sshd -T; --verify=exec also lets ssh -G run Match exec commands")
	f.Lookup("verify").NoOptDefVal = "yes"
	f.BoolVar(&o.AllowExec, "allow-exec", false, "with --verify: let ssh -G run the commands of Match exec blocks")
	f.StringVar(&o.File, "file", "", "read only this client config, like ssh -F `PATH`")
	f.StringVar(&o.ServerFile, "server-file", "", "read this sshd config, like sshd -f `PATH`")
	f.StringVar(&o.Root, "root", "", "treat `DIR` as / for system paths and absolute Includes")
	f.BoolVar(&o.NoServer, "no-server", false, "leave out the server (sshd) values")
	f.BoolVar(&o.NoPutty, "no-putty", false, "leave out PuTTY sessions")
	return cmd
}

func (o *showOptions) validate() error {
	switch strings.ToLower(o.Verify) {
	case "", "yes", "true":
	case "exec":
		o.AllowExec = true
	default:
		return usageErrorf("invalid --verify=%s: want --verify or --verify=exec", o.Verify)
	}
	if o.AllowExec && o.Verify == "" {
		return usageErrorf("--allow-exec goes with --verify")
	}
	if o.Host != "" && (strings.HasPrefix(o.Host, "-") || strings.ContainsAny(o.Host, " \t\r\n\x00")) {
		return usageErrorf("invalid --host %q: want a host name as typed after ssh, such as example.com", o.Host)
	}
	return nil
}

// fill completes the environment from the process, as ssh finds it.
func (e *showEnv) fill() error {
	u, uerr := user.Current()
	if e.UserConfig == "" {
		home := ""
		if uerr == nil {
			home = u.HomeDir
		}
		if home == "" {
			h, err := os.UserHomeDir()
			if err != nil {
				return fmt.Errorf("find the home directory: %w", err)
			}
			home = h
		}
		e.UserConfig = userConfig(home)
	}
	if e.Home == "" {
		e.Home = os.Getenv("HOME")
		if e.Home == "" {
			e.Home = filepath.Dir(filepath.Dir(e.UserConfig))
		}
	}
	if e.LocalUser == "" {
		if uerr == nil {
			e.LocalUser = u.Username
		} else {
			e.LocalUser = os.Getenv("USER")
		}
	}
	return nil
}

func runShow(s Streams, o *showOptions) error {
	if err := o.validate(); err != nil {
		return err
	}
	if err := o.env.fill(); err != nil {
		return err
	}
	// A file another account controls is read as that account.
	for _, path := range []string{o.File, o.ServerFile, o.Root} {
		if path != "" {
			if err := actAsController(path); err != nil {
				return err
			}
		}
	}
	fsys := resolve.FS{Root: o.Root}
	// ssh -F and sshd -f refuse a file they cannot open; so does show.
	for flag, path := range map[string]string{"--file": o.File, "--server-file": o.ServerFile} {
		if path == "" {
			continue
		}
		if _, err := fsys.ReadFile(path); err != nil {
			return withHint(fmt.Errorf("%s: %w", flag, err), "name an existing config file")
		}
	}

	host, probe := o.Host, false
	if host == "" {
		host, probe = placement.ProbeHost("*"), true
	}
	files := []resolve.Input{{Path: fsys.Real(o.env.UserConfig), User: true}, {Path: systemClientConfig(o.Root)}}
	if o.File != "" {
		files = []resolve.Input{{Path: o.File, User: true}} // ssh -F reads it as a user config
	}
	opts := report.Options{
		Client: &resolve.Options{
			Dialect:             sshconf.Client,
			SetupTimeOutIsAlive: debianSetupTimeOut,
			FS:                  fsys,
			Home:                o.env.Home,
			Files:               files,
			Host:                host,
			LocalUser:           o.env.LocalUser,
		},
		Probe:           probe,
		CheckUserConfig: o.File == "",
	}
	serverFile := o.ServerFile
	if serverFile == "" {
		serverFile = serverConfig(o.Root)
	}
	if !o.NoServer {
		opts.Server = &resolve.Options{
			Dialect: sshconf.Server,
			FS:      fsys,
			Files:   []resolve.Input{{Path: serverFile}},
		}
	}
	if o.NoPutty {
		opts.PuttyNote = ""
	} else {
		opts.Putty, opts.PuttyNote = puttySessions()
	}
	rep := report.Build(opts)
	if o.File == "" {
		noteHomeMismatch(rep, o.env, fsys)
	}

	disagree := false
	if o.Verify != "" {
		disagree = verifyShow(rep, o, serverFile)
	}

	var err error
	if o.JSON {
		err = rep.JSON(s.Out)
	} else {
		err = rep.Text(s.Out, report.Style{Color: s.Color})
	}
	if err != nil {
		return err
	}
	if disagree {
		return withHint(errors.New("--verify: the real ssh -G or sshd -T disagrees with keepalive (see the errors above)"),
			"please report this with the config files involved")
	}
	return nil
}

// noteHomeMismatch says so when $HOME has an ssh config that ssh will not
// read because the account's home directory is elsewhere.
func noteHomeMismatch(rep *report.Report, env showEnv, fsys resolve.FS) {
	other := userConfig(env.Home)
	if filepath.Clean(other) == filepath.Clean(env.UserConfig) {
		return
	}
	if _, err := os.Stat(fsys.Real(other)); err == nil {
		rep.Add(report.Info, report.SectionClient, "", "ssh reads %s (the home directory in the password database), not %s ($HOME)", env.UserConfig, other)
	}
}

// puttySessions lists the saved PuTTY sessions and their keep-alive, or
// says why there are none.
func puttySessions() ([]report.PuttySession, string) {
	store, err := showPuttyStore()
	if err != nil {
		return nil, fmt.Sprintf("cannot read PuTTY sessions: %v", err)
	}
	if ok, err := store.Exists(); err != nil {
		return nil, fmt.Sprintf("cannot read PuTTY sessions in %s: %v", store.Where(), err)
	} else if !ok {
		return []report.PuttySession{}, "none (no PuTTY settings in " + store.Where() + ")"
	}
	sessions, err := store.Sessions()
	if err != nil {
		return nil, fmt.Sprintf("cannot read PuTTY sessions in %s: %v", store.Where(), err)
	}
	out := []report.PuttySession{}
	for _, ss := range sessions {
		out = append(out, report.PuttySession{Session: ss.Name, Value: ss.KeepAlive.Interval(), Source: ss.Source(), Minutes: ss.KeepAlive.Minutes})
	}
	if len(out) == 0 {
		return out, "no saved sessions in " + store.Where()
	}
	return out, ""
}

// verifyShow cross-checks the report with the real ssh -G and sshd -T,
// adding what it finds to the report. It returns true on a disagreement.
func verifyShow(rep *report.Report, o *showOptions, serverFile string) bool {
	if o.Root != "" && filepath.Clean(o.Root) != "/" {
		rep.Add(report.Info, report.SectionClient, "", "not verified: ssh and sshd cannot be made to read a --root directory")
		return false
	}
	ctx := context.Background()
	disagree := false
	if c := rep.Client; c != nil {
		if pos := report.MatchExec(c.Result); pos != "" && !o.AllowExec {
			rep.Add(report.Warning, report.SectionClient, pos, "not verified with ssh -G: it would run this Match exec command; --verify=exec allows that")
		} else {
			cfg, err := oracle.SSH(ctx, oracle.SSHQuery{Bin: o.env.SSH, File: o.File, Host: c.Host})
			disagree = compare(rep, report.SectionClient, "ssh -G", cfg, err, []keyValue{
				{"serveraliveinterval", c.ServerAliveInterval},
				{"serveralivecountmax", c.ServerAliveCountMax},
				{"tcpkeepalive", c.TCPKeepAlive},
			})
		}
	}
	if sv := rep.Server; sv != nil {
		cfg, err := sshdDump(ctx, o.env.SSHD, serverFile)
		disagree = compare(rep, report.SectionServer, "sshd -T", cfg, err, []keyValue{
			{"clientaliveinterval", sv.ClientAliveInterval},
			{"clientalivecountmax", sv.ClientAliveCountMax},
			{"tcpkeepalive", sv.TCPKeepAlive},
		}) || disagree
	}
	return disagree
}

// sshdDump runs sshd -T on file with a throwaway host key, since sshd
// refuses to test a config without one it can read.
func sshdDump(ctx context.Context, bin, file string) (oracle.Config, error) {
	if bin == "" {
		b, err := oracle.FindSSHD()
		if err != nil {
			return nil, err
		}
		bin = b
	}
	dir, err := os.MkdirTemp("", "keepalive-verify-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	key, err := oracle.ThrowawayHostKey(dir)
	if err != nil {
		return nil, err
	}
	return oracle.SSHD(ctx, oracle.SSHDQuery{Bin: bin, File: file, HostKey: key})
}

type keyValue struct {
	key string
	v   report.Value
}

func compare(rep *report.Report, sec report.Section, prog string, cfg oracle.Config, err error, kvs []keyValue) bool {
	switch {
	case errors.Is(err, oracle.ErrNotFound):
		rep.Add(report.Info, sec, "", "not verified: %v", err)
		return false
	case err != nil && strings.Contains(err.Error(), "not in connection test specification"):
		// Match LocalPort/LocalAddress: sshd -T has no global view to print.
		rep.Add(report.Info, sec, "", "not verified: sshd -T cannot print global values for this config without a connection (-C): %v", err)
		return false
	case err != nil:
		rep.Add(report.Error, sec, "", "verification failed: %v", err)
		return true
	}
	bad := false
	for _, kv := range kvs {
		got := cfg.Get(kv.key)
		if got != kv.v.String() {
			rep.Add(report.Error, sec, kv.v.Source, "%s says %s %s, keepalive computed %s (from %s)", prog, kv.key, got, kv.v.String(), kv.v.Source)
			bad = true
		}
	}
	if !bad {
		rep.Add(report.Info, sec, "", "verified: %s agrees", prog)
	}
	return bad
}

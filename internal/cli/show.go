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
	Connection string // sshd -T -C spec
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
          sshd_config and its drop-ins, the global values "sshd -T" prints;
          with --connection user=U,host=H,addr=A[,laddr=L,lport=P,rdomain=R]
          the values that connection gets from Match blocks, as
          "sshd -T -C SPEC" prints them
  PuTTY   each saved session's keep-alive

and warnings: lines that never take effect because an earlier one wins,
per-host values, a "Host *" at the top of a file, Match exec blocks keepalive
does not evaluate, keep-alives that are off or longer than common NAT and
load-balancer idle timeouts.

A config that ssh or sshd would refuse (a bad Match line, an invalid address
mask, an Include loop, ...) is reported as "ssh rejects this config" or
"sshd rejects this config" with the line, and show exits 1: the values shown
are then not in effect.

--verify runs the real "ssh -G" and "sshd -T [-C]" and reports any
disagreement (exit 1), or the program's own error for a config it refuses.
ssh -G runs the commands of Match exec blocks, so it runs only on a config
keepalive evaluated completely (no Match exec, no Include it could not
read), unless --verify=exec (or --allow-exec) says so.`,
		Example: `  keepalive show
  keepalive show --host build.example.com --verify
  keepalive show --connection user=alice,host=laptop.lan,addr=10.0.0.7 --no-putty
  keepalive show --json --no-putty`,
		RunE: func(*cobra.Command, []string) error { return runShow(s, o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.Host, "host", "", "evaluate the client config for `HOST`, as typed after ssh (default: a host only general blocks match)")
	f.StringVar(&o.Connection, "connection", "", "server values for this connection, as sshd -T -C `SPEC` (user=U,host=H,addr=A[,laddr=L,lport=P,rdomain=R])")
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
	if o.Connection != "" {
		if strings.ContainsAny(o.Connection, " \t\r\n\x00") {
			return usageErrorf("invalid --connection %q: want user=U,host=H,addr=A[,laddr=L,lport=P,rdomain=R] without blanks", o.Connection)
		}
		if _, err := resolve.ParseConn(o.Connection); err != nil {
			return usageErrorf("invalid --connection %q: %v", o.Connection, err)
		}
		if o.NoServer {
			return usageErrorf("--connection asks for server values and cannot be combined with --no-server")
		}
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
	version := installedVersion()
	opts := report.Options{
		Client: &resolve.Options{
			Dialect:   sshconf.Client,
			Version:   version,
			FS:        fsys,
			Home:      o.env.Home,
			Files:     files,
			Host:      host,
			LocalUser: o.env.LocalUser,
		},
		Probe:           probe,
		CheckUserConfig: o.File == "",
	}
	localTokens(opts.Client)
	serverFile := o.ServerFile
	if serverFile == "" {
		serverFile = serverConfig(o.Root)
	}
	if !o.NoServer {
		conn, _ := resolve.ParseConn(o.Connection) // validated
		if conn != nil && (o.Root == "" || filepath.Clean(o.Root) == "/") {
			conn.Groups = userGroups(conn.User) // as sshd looks them up for Match Group
		}
		opts.Server = &resolve.Options{
			Dialect: sshconf.Server,
			Version: version,
			FS:      fsys,
			Files:   []resolve.Input{{Path: serverFile}},
			Conn:    conn,
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
	if why := rep.Rejected(); why != "" {
		return withHint(errors.New(why), "fix that line; until then the values shown are not in effect")
	}
	return nil
}

// userGroups lists the names of a user's groups, as sshd's Match Group sees
// them; none when the user does not exist here.
func userGroups(name string) []string {
	if name == "" {
		return nil
	}
	u, err := user.Lookup(name)
	if err != nil {
		return nil
	}
	ids, err := u.GroupIds()
	if err != nil {
		return nil
	}
	var out []string
	for _, id := range ids {
		if g, err := user.LookupGroupId(id); err == nil {
			out = append(out, g.Name)
		}
	}
	return out
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
		if !c.Result.Complete() && !o.AllowExec {
			why := c.Result.Incomplete[0]
			rep.Add(report.Warning, report.SectionClient, why.Pos, "not verified with ssh -G: keepalive did not evaluate this config completely (%s), and ssh -G would run any Match exec command in it; --verify=exec allows that", why.Msg)
		} else {
			cfg, err := oracle.SSH(ctx, oracle.SSHQuery{Bin: o.env.SSH, File: o.File, Host: c.Host})
			disagree = compare(rep, report.SectionClient, "ssh -G", cfg, err, &c.Rejected, []keyValue{
				{"serveraliveinterval", c.ServerAliveInterval},
				{"serveralivecountmax", c.ServerAliveCountMax},
				{"tcpkeepalive", c.TCPKeepAlive},
			})
		}
	}
	if sv := rep.Server; sv != nil {
		prog := "sshd -T"
		if sv.Connection != "" {
			prog = "sshd -T -C " + sv.Connection
		}
		cfg, err := sshdDump(ctx, o.env.SSHD, serverFile, sv.Connection)
		disagree = compare(rep, report.SectionServer, prog, cfg, err, &sv.Rejected, []keyValue{
			{"clientaliveinterval", sv.ClientAliveInterval},
			{"clientalivecountmax", sv.ClientAliveCountMax},
			{"tcpkeepalive", sv.TCPKeepAlive},
		}) || disagree
	}
	return disagree
}

// sshdDump runs sshd -T on file with a throwaway host key, since sshd
// refuses to test a config without one it can read.
func sshdDump(ctx context.Context, bin, file, conn string) (oracle.Config, error) {
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
	return oracle.SSHD(ctx, oracle.SSHDQuery{Bin: bin, File: file, HostKey: key, Conn: conn})
}

type keyValue struct {
	key string
	v   report.Value
}

// compare checks keepalive's values against what the real program printed.
// A program that refuses the config sets *rejected to its own message
// (with its path:line); it is a disagreement unless keepalive found the
// config refused too.
func compare(rep *report.Report, sec report.Section, prog string, cfg oracle.Config, err error, rejected *string, kvs []keyValue) bool {
	name, _, _ := strings.Cut(prog, " ")
	switch {
	case errors.Is(err, oracle.ErrNotFound):
		rep.Add(report.Info, sec, "", "not verified: %v", err)
		return false
	case err != nil && strings.Contains(err.Error(), "not in connection test specification"):
		// Match LocalPort: sshd -T has no global view to print, and
		// sshd -T -C needs lport= for it.
		rep.Add(report.Info, sec, "", "not verified: %s cannot print values for this config without the connection's local port: %v", prog, err)
		return false
	case err != nil && errors.Is(err, context.DeadlineExceeded):
		rep.Add(report.Error, sec, "", "verification failed: %v", err)
		return true
	case err != nil:
		// The program ran and refused the config: its own words.
		_, msg, ok := strings.Cut(err.Error(), ": ")
		if !ok {
			msg = err.Error()
		}
		ours := *rejected
		rep.Add(report.Error, sec, "", "%s rejects this config: %s", name, msg)
		if ours == "" {
			*rejected = msg
			rep.Add(report.Error, sec, "", "%s refuses this config but keepalive found nothing wrong with it", prog)
			return true
		}
		return false
	case *rejected != "":
		rep.Add(report.Error, sec, "", "%s accepts this config, but keepalive says %s rejects it (%s)", prog, name, *rejected)
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

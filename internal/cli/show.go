package cli

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/keepalive-ssh/keepalive/internal/account"
	"github.com/keepalive-ssh/keepalive/internal/placement"
	"github.com/keepalive-ssh/keepalive/internal/privilege"
	"github.com/keepalive-ssh/keepalive/internal/report"
	"github.com/keepalive-ssh/keepalive/internal/resolve"
)

type showOptions struct {
	Host       string
	Connection string // sshd -T -C spec
	JSON       bool
	Verify     string // "" (off), "yes", "exec" (ssh -G may run Match exec)
	AllowExec  bool
	File       string // client config to read instead of the default chain
	ServerFile string
	Root       string
	NoClient   bool
	NoServer   bool
	NoPutty    bool
	AllHosts   bool

	env account.View
}

func newShowCmd(s Streams, m *Machine) *cobra.Command {
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
mask, an unknown keyword, an Include loop, ...) is reported as "ssh rejects
this config" or "sshd rejects this config" with the line, and show exits 1:
the values shown are then not in effect.

--verify runs the real "ssh -G" and "sshd -T [-C]" and reports any
disagreement (exit 1), or the program's own error for a config it refuses.
ssh -G runs the commands of Match exec blocks, so it runs only on a config
keepalive evaluated completely (no Match exec, no Include it could not
read), unless --verify=exec (or --allow-exec) says so.`,
		Example: `  keepalive show
  keepalive show --host build.example.com --verify
  keepalive show --connection user=alice,host=laptop.lan,addr=10.0.0.7 --no-putty
  keepalive show --json --no-putty
  keepalive show --no-client --no-putty      # only sshd's values`,
		RunE: func(*cobra.Command, []string) error { return runShow(s, m, o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.Host, "host", "", "evaluate the client config for `HOST`, as typed after ssh (default: a host only general blocks match)")
	f.StringVar(&o.Connection, "connection", "", "server values for this connection, as sshd -T -C `SPEC` (user=U,host=H,addr=A[,laddr=L,lport=P,rdomain=R])")
	f.BoolVar(&o.JSON, "json", false, `print {"client": ..., "server": ..., "putty": [...], "warnings": [...]}`)
	f.Var(verifyValue{&o.Verify}, "verify", "cross-check with the real ssh -G and sshd -T; --verify=exec also lets ssh -G run Match exec commands")
	f.Lookup("verify").NoOptDefVal = "true"
	f.BoolVar(&o.AllowExec, "allow-exec", false, "with --verify: let ssh -G run the commands of Match exec blocks")
	f.StringVar(&o.File, "file", "", "read only this client config, like ssh -F `PATH`")
	f.StringVar(&o.ServerFile, "server-file", "", "read this sshd config, like sshd -f `PATH`")
	f.StringVar(&o.Root, "root", "", "treat `DIR` as / for system paths and absolute Includes")
	f.BoolVar(&o.NoClient, "no-client", false, "leave out the client (ssh) values")
	f.BoolVar(&o.NoServer, "no-server", false, "leave out the server (sshd) values")
	f.BoolVar(&o.AllHosts, "all", false, "with --host: also the findings about keep-alives for other hosts (otherwise counted)")
	f.BoolVar(&o.NoPutty, "no-putty", false, "leave out PuTTY sessions")
	return cmd
}

func (o *showOptions) validate() error {
	switch strings.ToLower(o.Verify) {
	case "", "yes", "true":
	case "no", "false":
		o.Verify = ""
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
	if o.NoClient && (o.Host != "" || o.File != "" || o.AllHosts) {
		return usageErrorf("--host, --file and --all are about the client values and cannot be combined with --no-client")
	}
	if o.AllHosts && o.Host == "" {
		return usageErrorf("--all goes with --host: without it show reports on every host's keep-alives already")
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

func runShow(s Streams, m *Machine, o *showOptions) error {
	if err := o.validate(); err != nil {
		return err
	}
	if err := o.env.Fill(); err != nil {
		return err
	}
	// A file another account controls is read as that account.
	for _, path := range []string{o.File, o.ServerFile, o.Root} {
		if path != "" {
			if err := privilege.ForPath(path); err != nil {
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
	client := o.env.ShowChain(o.File, o.Root, host)
	client.Version = m.Version
	opts := report.Options{Client: &client, Probe: probe, AllHosts: o.AllHosts, CheckUserConfig: o.File == ""}
	if o.NoClient {
		opts.Client = nil
	}
	serverFile := o.ServerFile
	if serverFile == "" {
		serverFile = account.ServerConfig(o.Root)
	}
	if !o.NoServer {
		so := account.ServerChain(serverFile, o.Root)
		so.Version = m.Version
		so.Conn, _ = resolve.ParseConn(o.Connection) // validated
		if so.Conn != nil && (o.Root == "" || filepath.Clean(o.Root) == "/") {
			so.Conn.Groups = report.UserGroups(so.Conn.User) // as sshd looks them up for Match Group
		}
		opts.Server = &so
	}
	if o.NoPutty {
		opts.PuttyNote = ""
	} else {
		if store, err := m.PuttyStore(); err != nil {
			opts.PuttyNote = fmt.Sprintf("cannot read PuTTY sessions: %v", err)
		} else {
			opts.Putty, opts.PuttyNote = report.PuttySessions(store)
		}
	}
	rep := report.Build(opts)
	if o.File == "" && !o.NoClient {
		rep.NoteHomeMismatch(o.env.UserConfig, account.UserConfig(o.env.Home), fsys)
	}

	disagree := false
	if o.Verify != "" {
		disagree = verify(rep, m, o, serverFile)
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

// verify cross-checks the report with the real ssh -G and sshd -T.
func verify(rep *report.Report, m *Machine, o *showOptions, serverFile string) bool {
	if o.Root != "" && filepath.Clean(o.Root) != "/" {
		rep.Add(report.Info, report.SectionClient, "", "not verified: ssh and sshd cannot be made to read a --root directory")
		return false
	}
	return rep.Verify(report.VerifyOptions{Find: m.FindProgram, ClientFile: o.File, ServerFile: serverFile, AllowExec: o.AllowExec})
}

// verifyValue is --verify[=exec]. It calls itself a bool so that the help
// shows a plain "--verify", as for the other switches.
type verifyValue struct{ s *string }

func (v verifyValue) String() string     { return *v.s }
func (v verifyValue) Set(s string) error { *v.s = s; return nil } // validate checks it
func (v verifyValue) Type() string       { return "bool" }

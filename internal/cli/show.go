package cli

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/keepalive-ssh/keepalive/internal/account"
	"github.com/keepalive-ssh/keepalive/internal/input"
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

	env  account.View
	conn *resolve.Conn // --connection, parsed
}

func newShowCmd(s Streams, m *Machine) *cobra.Command {
	o := &showOptions{}
	cmd := &cobra.Command{
		Use:   "show",
		Short: "Show the keep-alive values in effect and where they come from",
		RunE:  func(*cobra.Command, []string) error { return runShow(s, m, o) },
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

func (o *showOptions) validate() (err error) {
	verify, exec, err := input.Verify(o.Verify)
	if err != nil {
		return err
	}
	o.Verify, o.AllowExec = "", o.AllowExec || exec
	if verify {
		o.Verify = "yes"
	}
	switch {
	case o.AllowExec && !verify:
		return usageErrorf("--allow-exec goes with --verify")
	case o.NoClient && (o.Host != "" || o.File != "" || o.AllHosts):
		return usageErrorf("--host, --file and --all are about the client values and cannot be combined with --no-client")
	case o.AllHosts && o.Host == "":
		return usageErrorf("--all goes with --host: without it show reports on every host's keep-alives already")
	case o.Connection != "" && o.NoServer:
		return usageErrorf("--connection asks for server values and cannot be combined with --no-server")
	case o.Host != "":
		err = input.HostName("--host", o.Host)
	}
	if err == nil && o.Connection != "" {
		o.conn, err = input.Connection("--connection", o.Connection)
	}
	return err
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
		if err := fsys.Readable(path); err != nil {
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
		so.Conn = o.conn
		if so.Conn != nil && (o.Root == "" || filepath.Clean(o.Root) == "/") {
			so.Conn.Groups = report.UserGroups(so.Conn.User) // as sshd looks them up for Match Group
		}
		opts.Server = &so
	}
	if !o.NoPutty {
		opts.Putty, opts.PuttyNote = report.PuttySessionsIn(m.PuttyStore)
	}
	rep := report.Build(opts)
	if o.File == "" && !o.NoClient {
		rep.NoteHomeMismatch(o.env.UserConfig, account.UserConfig(o.env.Home), fsys)
	}

	disagree := o.Verify != "" && rep.Verify(report.VerifyOptions{Find: m.FindProgram, ClientFile: o.File, ServerFile: serverFile, AllowExec: o.AllowExec, Root: o.Root})

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

// verifyValue is --verify[=exec]. It calls itself a bool so that the help
// shows a plain "--verify", as for the other switches.
type verifyValue struct{ s *string }

func (v verifyValue) String() string     { return *v.s }
func (v verifyValue) Set(s string) error { *v.s = s; return nil } // validate checks it
func (v verifyValue) Type() string       { return "bool" }

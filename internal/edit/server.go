package edit

import (
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/keepalive-ssh/keepalive/internal/atomicfile"
	"github.com/keepalive-ssh/keepalive/internal/openssh"
	"github.com/keepalive-ssh/keepalive/internal/placement"
	"github.com/keepalive-ssh/keepalive/internal/resolve"
	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// Server is sshd's configuration: ClientAliveInterval and
// ClientAliveCountMax, globally, for a Match block, or in a drop-in.
type Server struct {
	Options
	Scope placement.Scope
	// Match is the criteria of the Match block to edit ("" for the global
	// values), MatchArgs the same split into words.
	Match     string
	MatchArgs []string
	// DropIn writes sshd_config.d/DropInName instead of sshd_config.
	DropIn bool
	// NoValidate skips sshd -t; otherwise FindProgram finds the sshd that
	// validates.
	NoValidate  bool
	FindProgram func(name string) (string, error)
	// Reload reloads the running sshd after a write; otherwise the output
	// says how. Local is false under --root: another system's files.
	Reload, Local bool
	// OtherFile: the config is not the one this machine's sshd reads by
	// default (--file elsewhere): an sshd is reported as not running only
	// when Reload asks to reload it.
	OtherFile  bool
	FindReload func(pidFile string) openssh.Reload
}

// checker starts the sshd that validates, or returns nil with
// NoValidate. disable only removes lines, which cannot make a config
// invalid, so it checks when it can and goes on without sshd (required
// false).
func (s *Server) checker(required bool) (*openssh.Checker, error) {
	if s.NoValidate {
		return nil, nil
	}
	bin, err := s.FindProgram("sshd")
	switch {
	case err == nil:
		return openssh.NewChecker(bin)
	case !required:
		return nil, nil
	}
	return nil, hinted(fmt.Errorf("cannot check the edited config: %w", err), noSSHDHint())
}

// noSSHDHint says how to get the sshd that checks an edited config.
func noSSHDHint() string {
	if runtime.GOOS == "windows" {
		return "install OpenSSH Server (Settings > Optional features, or as Administrator: Add-WindowsCapability -Online -Name OpenSSH.Server~~~~0.0.1.0) so that sshd -t can check the config, or pass --no-validate to skip the check"
	}
	return "install OpenSSH's server (apt install openssh-server), or pass --no-validate to skip the check"
}

func (s *Server) Enable(v Values) (*Result, error) {
	settings := []placement.Setting{
		{Key: sshconf.ClientAliveInterval, Value: strconv.Itoa(v.Interval), Default: !v.IntervalSet},
		{Key: sshconf.ClientAliveCountMax, Value: strconv.Itoa(v.Count), Default: !v.CountSet},
	}
	summary := fmt.Sprintf("ClientAliveInterval %d, ClientAliveCountMax %d", v.Interval, v.Count)
	if s.Match != "" {
		summary += " for Match " + strings.Join(s.MatchArgs, " ")
	}
	plan := func(sc placement.Scope) (*placement.Plan, error) {
		return placement.EnableServer(sc, settings, s.Match), nil
	}
	if s.DropIn {
		plan = func(sc placement.Scope) (*placement.Plan, error) {
			return placement.EnableServerDropIn(sc, settings, placement.DropInName)
		}
	}
	c, err := s.checker(true)
	if err != nil {
		return nil, err
	}
	tx := s.config(c, plan, summary, "already set: "+summary)
	tx.Where = func(p *placement.Plan) string { return s.where(p, settings) }
	if v, ok := tx.Validator.(*SSHD); ok {
		// sshd -T must give the values the plan writes; a value kept as
		// it was is the user's.
		tx.Plan = func(sc placement.Scope) (*placement.Plan, error) {
			p, err := plan(sc)
			if err == nil {
				v.Want = written(p, settings)
			}
			return p, err
		}
	}
	if c == nil && s.Local && runtime.GOOS == "windows" {
		// Windows rarely has sshd.exe, so --no-validate is the usual way
		// there: say how to check the result once it is installed.
		after := tx.After
		tx.After = func(p *placement.Plan, changed bool) error {
			if changed {
				fmt.Fprintf(s.Warn, "keepalive: note: not checked with sshd -t (--no-validate); with OpenSSH Server installed, check it as Administrator: sshd.exe -t -f \"%s\"\n", s.Scope.Main())
			}
			return after(p, changed)
		}
	}
	return tx.Run()
}

func (s *Server) Disable() (*Result, error) {
	summary := "removed keepalive's ClientAliveInterval and ClientAliveCountMax"
	idle := "nothing to remove: keepalive set no global ClientAliveInterval or ClientAliveCountMax"
	disable := placement.DisableServer
	if s.All {
		summary = "removed ClientAliveInterval and ClientAliveCountMax"
		idle = "nothing to remove: no global ClientAliveInterval or ClientAliveCountMax"
		disable = placement.DisableServerAll
	}
	if s.Match != "" {
		summary += " for Match " + strings.Join(s.MatchArgs, " ")
	}
	c, err := s.checker(false)
	if err != nil {
		return nil, err
	}
	tx := s.config(c, func(sc placement.Scope) (*placement.Plan, error) {
		return disable(sc, sshconf.Server.Written(), s.Match), nil
	}, summary, idle)
	return tx.Run()
}

// written are the settings the plan writes a value for.
func written(p *placement.Plan, settings []placement.Setting) []placement.Setting {
	var out []placement.Setting
	for _, set := range settings {
		for _, c := range p.Changes {
			if strings.EqualFold(c.Key, set.Key) && !c.Removed {
				out = append(out, set)
				break
			}
		}
	}
	return out
}

// conn is a connection the --match criteria match, nil for the globals.
func (s *Server) conn() *resolve.Conn {
	if s.Match == "" {
		return nil
	}
	return placement.MatchConn(s.MatchArgs)
}

// config is the transaction; it closes c when it has run.
func (s *Server) config(c *openssh.Checker, plan func(placement.Scope) (*placement.Plan, error), summary, idle string) *Config {
	main := s.Scope.Main()
	tx := &Config{
		Scope:      s.Scope,
		Plan:       plan,
		PlanHint:   "add `Include /etc/ssh/sshd_config.d/*.conf` at the top of " + main + ", or run without --drop-in",
		Mode:       s.Mode,
		Diff:       s.Diff,
		Write:      atomicfile.Options{Backup: s.Backup, Note: s.note, Perm: 0o644, DirPerm: 0o755, Root: s.Scope.Opts.FS.Root},
		Summary:    summary,
		Idle:       idle,
		Warn:       s.Warn,
		Privileged: true,
	}
	if c != nil {
		v := &SSHD{Checker: c}
		if c := s.conn(); c != nil {
			// Group criteria: sshd asks the system for real accounts.
			v.Spec = placement.ConnSpec(c)
			v.Skip = v.Spec == ""
		}
		tx.Validator = v
	}
	tx.After = func(p *placement.Plan, changed bool) error { return s.apply(c, p, changed) }
	tx.Done = func() {
		if c != nil {
			c.Close()
		}
	}
	return tx
}

// where names the files that hold the settings in effect, for "already
// set" (on Debian often a drop-in rather than sshd_config).
func (s *Server) where(p *placement.Plan, settings []placement.Setting) string {
	sc := s.Scope
	sc.Opts.Override, sc.Opts.Conn, sc.Opts.Memo = p.Files, s.conn(), p.Memo
	sc.Opts.Keys = nil
	for _, set := range settings {
		sc.Opts.Keys = append(sc.Opts.Keys, set.Key)
	}
	r := p.Evaluated(sc.Opts.Conn, sc.Opts.Keys...) // the plan's last evaluation, usually
	if r == nil {
		sc.Opts.NoProblems = true
		r = resolve.Resolve(sc.Opts)
	}
	var files []string
	for _, set := range settings {
		if o, ok := r.Effective(set.Key); ok && !slices.Contains(files, o.Doc.Path) {
			files = append(files, o.Doc.Path)
		}
	}
	if len(files) == 0 {
		return sc.Main()
	}
	return strings.Join(files, ", ")
}

// apply reloads sshd with Reload, or says how to.
func (s *Server) apply(c *openssh.Checker, p *placement.Plan, changed bool) error {
	if !s.Local {
		return nil // another system's files: its own sshd reads them when it starts
	}
	if runtime.GOOS == "windows" {
		switch {
		case s.Reload:
			// Windows has no SIGHUP to reload sshd with, and keepalive
			// never restarts a service itself.
			fmt.Fprintln(s.Warn, "keepalive: --reload: Windows cannot reload sshd, and keepalive does not restart services; run `Restart-Service sshd` (as Administrator) for the change to apply to new connections")
		case changed:
			fmt.Fprintln(s.Warn, "keepalive: run `Restart-Service sshd` (as Administrator) for the change to apply to new connections")
		}
		return nil
	}
	if !changed && !s.Reload {
		return nil
	}
	r := s.FindReload(s.pidFile(c, p))
	if !r.Running() {
		if !s.OtherFile || s.Reload { // no sshd runs with --file's PidFile: most likely none reads it
			fmt.Fprintln(s.Warn, "keepalive: sshd does not seem to be running; the new settings apply when it starts")
		}
		return nil
	}
	if !s.Reload {
		fmt.Fprintf(s.Warn, "keepalive: run `%s` (or pass --reload) for new connections to get the settings; sessions already open keep the old ones\n", r.Command())
		return nil
	}
	if err := r.Do(); err != nil {
		return hinted(err, "the config was written; reload sshd by hand")
	}
	fmt.Fprintf(s.Warn, "keepalive: reloaded sshd (%s)\n", r.Command())
	return nil
}

// pidFile is the PidFile of the sshd reading the config: as sshd -T prints
// it, else as the config sets it, else "" for sshd's default.
func (s *Server) pidFile(c *openssh.Checker, p *placement.Plan) string {
	if c != nil {
		if vals, err := c.Dump(s.Scope.Main(), ""); err == nil && vals.Get("pidfile") != "" {
			return vals.Get("pidfile")
		}
	}
	r := p.Evaluated(s.Scope.Opts.Conn, "pidfile") // the plan's last evaluation, usually
	if r == nil {
		sc := s.Scope
		sc.Opts.Override, sc.Opts.Memo = p.Files, p.Memo
		sc.Opts.Keys = []string{"pidfile"}
		sc.Opts.NoProblems = true
		r = resolve.Resolve(sc.Opts)
	}
	if o, ok := r.Effective("pidfile"); ok {
		return o.Line().Value()
	}
	return ""
}

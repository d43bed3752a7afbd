package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/keepalive-ssh/keepalive/internal/atomicfile"
	"github.com/keepalive-ssh/keepalive/internal/placement"
	"github.com/keepalive-ssh/keepalive/internal/resolve"
	"github.com/keepalive-ssh/keepalive/internal/sshconf"
	"github.com/keepalive-ssh/keepalive/internal/sshd"
)

type serverOptions struct {
	writeFlags
	Interval, Count string
	Match           string
	DropIn          bool
	File, Root      string
	Reload          bool
	NoValidate      bool
}

func newServerCmd(s Streams) *cobra.Command {
	o := &serverOptions{}
	cmd := &cobra.Command{
		Use:   "server",
		Short: "Turn on keep-alives in the OpenSSH server config (sshd_config)",
		Long: `Set ClientAliveInterval and ClientAliveCountMax so that sshd sends a keep-alive
through the encrypted channel every --interval seconds, which keeps NAT
mappings warm, and drops a client after --count unanswered ones.

An effective setting is updated where it is, in sshd_config or a drop-in
such as sshd_config.d/50-cloud-init.conf; otherwise the lines go into
sshd_config before the first Match block, next to the commented default.
--match "User bob" edits the Match block with these criteria (created at
the end when absent); --drop-in writes sshd_config.d/` + placement.DropInName + ` instead.

The edited configuration is checked with sshd -t before it replaces the old
one, and a configuration sshd already rejects is reported, not edited.
--reload then makes the running sshd read it (systemctl reload, or SIGHUP
to the pid in its PidFile); sshd is never restarted.

sshd sends a keep-alive only after the client has been silent for more than
the interval, so on an idle session the gap is close to twice --interval:
for a NAT that forgets idle flows after T seconds, use an interval below T/2.`,
		Example: `  sudo keepalive server                     # ClientAliveInterval 300, ClientAliveCountMax 2
  sudo keepalive server --interval 1m --reload
  sudo keepalive server --match "Group sftp" --interval 60
  sudo keepalive server --drop-in --dry-run`,
		RunE: func(*cobra.Command, []string) error { return runServer(s, o) },
	}
	o.writeFlags.register(cmd)
	f := cmd.Flags()
	f.StringVar(&o.Interval, "interval", "300", "seconds between keep-alives (300, 5m, 1m30s)")
	f.StringVar(&o.Count, "count", "2", "unanswered keep-alives before sshd disconnects the client")
	f.StringVar(&o.Match, "match", "", `set the values for a Match block with these `+"`CRITERIA`"+` ("User bob")`)
	f.BoolVar(&o.DropIn, "drop-in", false, "write sshd_config.d/"+placement.DropInName+" instead of sshd_config")
	f.StringVar(&o.File, "file", "", "edit this sshd_config instead of the default one")
	f.StringVar(&o.Root, "root", "", "treat `DIR` as / for system paths and absolute Includes")
	f.BoolVar(&o.Reload, "reload", false, "reload the running sshd after the change (never restarts it)")
	f.BoolVar(&o.NoValidate, "no-validate", false, "do not check the config with sshd -t (for machines without sshd)")
	return cmd
}

// findSSHD finds the sshd that validates; tests replace it.
var findSSHD = sshd.Find

// serverKeys are what server sets and disable --server removes.
var serverKeys = []string{sshconf.ClientAliveInterval, sshconf.ClientAliveCountMax}

func runServer(s Streams, o *serverOptions) error {
	interval, err := parseInterval("--interval", o.Interval)
	if err != nil {
		return err
	}
	if n, err := strconv.Atoi(strings.TrimSpace(o.Count)); err == nil && n == 0 {
		return usageErrorf("invalid --count 0: since OpenSSH 8.2, ClientAliveCountMax 0 makes sshd never disconnect an unresponsive client, so dead sessions would pile up; want a count from 1 to 2147483647 (2 or 3 is usual)")
	}
	count, err := parseCount("--count", o.Count)
	if err != nil {
		return err
	}
	var matchArgs []string
	if o.Match != "" {
		if matchArgs, err = placement.ParseMatch(o.Match); err != nil {
			return usageErrorf("invalid --match %q: %v", o.Match, err)
		}
		if o.DropIn {
			return usageErrorf("--match and --drop-in cannot be combined: a Match block goes into sshd_config")
		}
	}
	if o.Reload && o.Root != "" {
		return usageErrorf("--reload reloads this machine's sshd and cannot be combined with --root")
	}
	settings := []placement.Setting{
		{Key: sshconf.ClientAliveInterval, Value: strconv.Itoa(interval)},
		{Key: sshconf.ClientAliveCountMax, Value: strconv.Itoa(count)},
	}
	summary := fmt.Sprintf("ClientAliveInterval %d, ClientAliveCountMax %d", interval, count)
	if o.Match != "" {
		summary += " for Match " + strings.Join(matchArgs, " ")
	}
	e := serverEdit{
		s: s, wf: o.writeFlags, file: o.File, root: o.Root, noValidate: o.NoValidate,
		reload: o.Reload, settings: settings, summary: summary,
	}
	if o.Match != "" {
		e.conn = placement.MatchConn(matchArgs)
	}
	switch {
	case o.DropIn:
		return e.run(func(sc placement.Scope) (*placement.Plan, error) {
			return placement.EnableServerDropIn(sc, settings, placement.DropInName)
		})
	default:
		return e.run(func(sc placement.Scope) (*placement.Plan, error) {
			return placement.EnableServer(sc, settings, o.Match), nil
		})
	}
}

func runServerDisable(s Streams, o *disableOptions) error {
	if o.Host != "*" {
		return usageErrorf("--host goes with --user or --system; --server removes the global ClientAlive settings")
	}
	if len(o.Sessions) > 0 {
		return usageErrorf("--session goes with --putty")
	}
	if o.Reload && o.Root != "" {
		return usageErrorf("--reload reloads this machine's sshd and cannot be combined with --root")
	}
	e := serverEdit{
		s: s, wf: o.writeFlags, file: o.File, root: o.Root, disable: true,
		noValidate: o.NoValidate, reload: o.Reload,
		summary: "removed ClientAliveInterval and ClientAliveCountMax",
	}
	if o.Match != "" {
		args, err := placement.ParseMatch(o.Match)
		if err != nil {
			return usageErrorf("invalid --match %q: %v", o.Match, err)
		}
		e.conn = placement.MatchConn(args)
		e.summary += " for Match " + strings.Join(args, " ")
	}
	return e.run(func(sc placement.Scope) (*placement.Plan, error) {
		return placement.DisableServer(sc, serverKeys, o.Match), nil
	})
}

// serverEdit is one locked read-plan-check-write cycle on sshd's config.
type serverEdit struct {
	s          Streams
	wf         writeFlags
	file, root string
	noValidate bool
	reload     bool
	disable    bool
	conn       *resolve.Conn // --match: a connection the criteria match
	settings   []placement.Setting
	summary    string
	version    func() resolve.Version // the installed OpenSSH's, asked once
}

func (e *serverEdit) scope() placement.Scope {
	main := e.file
	if main == "" {
		main = serverConfig(e.root)
	}
	if e.version == nil {
		e.version = installedVersion()
	}
	return placement.Scope{Opts: resolve.Options{
		Dialect: sshconf.Server,
		Version: e.version,
		FS:      resolve.FS{Root: e.root},
		Files:   []resolve.Input{{Path: main}},
	}}
}

func (e *serverEdit) run(plan func(placement.Scope) (*placement.Plan, error)) error {
	sc := e.scope()
	main := sc.Main()
	if err := requireConfigFile(main); err != nil {
		return err
	}
	write := !e.wf.DryRun && !e.wf.Check
	if write {
		if err := requireWritable(main); err != nil {
			return err
		}
	}
	// Validation needs sshd: find it before anything else happens. disable
	// only removes lines, which cannot make a config invalid, so it checks
	// when it can and goes on without sshd.
	var checker *sshd.Checker
	if !e.noValidate {
		bin, err := findSSHD()
		switch {
		case err == nil:
			if checker, err = sshd.NewChecker(bin); err != nil {
				return err
			}
			defer checker.Close()
		case !e.disable:
			return withHint(fmt.Errorf("cannot check the edited config: %w", err),
				"install OpenSSH's server (apt install openssh-server), or pass --no-validate to skip the check")
		}
	}

	unlock, err := atomicfile.Lock(main)
	if err != nil {
		return err
	}
	defer unlock()
	p, err := plan(sc)
	if err != nil {
		return withHint(err, "add `Include /etc/ssh/sshd_config.d/*.conf` at the top of "+main+", or run without --drop-in")
	}
	if err := requireComplete(sc, p); err != nil {
		return err
	}
	for _, path := range p.Changed() { // a drop-in lives in another directory
		if filepath.Dir(path) != filepath.Dir(main) {
			if write {
				if err := requireWritable(path); err != nil {
					return err
				}
			}
			u, err := atomicfile.Lock(path)
			if err != nil {
				return err
			}
			defer u()
		}
	}

	if checker != nil {
		if fileExists(main) {
			if err := checker.TestTree(tree(p, main, e.root, p.Orig)); err != nil {
				return rejected(err, "sshd already rejects the current config, so keepalive changed nothing",
					"fix the line named above (sshd -t shows the same), then run keepalive again")
			}
		}
	}
	for _, o := range p.MayApply {
		fmt.Fprintf(e.s.Err, "keepalive: warning: %s: %s %s is in a Match block keepalive cannot evaluate (%s) and may apply first\n",
			o.Pos(), o.Line().Key, o.Line().Value(), o.Header.Value())
	}
	if len(p.Shadowed) > 0 {
		var msgs []string
		for _, sh := range p.Shadowed {
			msgs = append(msgs, sh.Error())
		}
		return withHint(fmt.Errorf("%s would not take effect, so nothing was written:\n  %s", e.summary, strings.Join(msgs, "\n  ")),
			"change or remove the line named above, then run keepalive again")
	}
	changed := p.Changed()
	if checker != nil && len(changed) > 0 {
		cand := map[string][]byte{}
		for path, f := range p.Files {
			cand[path] = f.Bytes()
		}
		t := tree(p, main, e.root, cand)
		if err := checker.TestTree(t); err != nil {
			return rejected(err, "sshd would reject the edited config, so nothing was written",
				"this is a keepalive bug if the line named above is one it wrote; please report it")
		}
		if !e.disable {
			if err := e.verify(checker, t); err != nil {
				return err
			}
		}
	}

	wo := atomicfile.Options{Backup: e.wf.Backup, Perm: 0o644, DirPerm: 0o755}
	summary := e.summary
	if len(changed) == 0 {
		summary += " in " + e.where(sc, p)
	}
	idle := "already set: " + summary
	if e.disable {
		idle = "nothing to remove: no global ClientAliveInterval or ClientAliveCountMax in " + e.where(sc, p)
	}
	if err := applyPlan(e.s, p, e.wf, wo, summary, idle); err != nil {
		return err
	}
	if !write {
		return nil
	}
	return e.apply(checker, main, p, len(changed) > 0)
}

// where names the files that hold the settings in effect, for "already
// set" (on Debian often a drop-in rather than sshd_config).
func (e *serverEdit) where(sc placement.Scope, p *placement.Plan) string {
	if e.disable {
		return sc.Main()
	}
	sc.Opts.Override, sc.Opts.Conn = p.Files, e.conn
	r := resolve.Resolve(sc.Opts)
	var files []string
	for _, set := range e.settings {
		if o, ok := r.Effective(set.Key); ok && !slices.Contains(files, o.Doc.Path) {
			files = append(files, o.Doc.Path)
		}
	}
	if len(files) == 0 {
		return sc.Main()
	}
	return strings.Join(files, ", ")
}

// verify asks sshd -T whether the candidate gives the requested values:
// the last word on what sshd will do, catching anything the resolver
// does not model. A machine where sshd -T cannot print (no privilege
// separation directory) skips this.
func (e *serverEdit) verify(c *sshd.Checker, t sshd.Tree) error {
	spec := ""
	if e.conn != nil {
		if spec = placement.ConnSpec(e.conn); spec == "" {
			return nil // Group criteria: sshd asks the system for real accounts
		}
	}
	vals, err := c.DumpTree(t, spec)
	if err != nil {
		// sshd -t accepted the config; -T can still refuse to print it
		// ("'Match LocalPort' in configuration but 'lport' not in
		// connection test specification", no privilege separation
		// directory), which says nothing about the edit.
		return nil
	}
	for _, set := range e.settings {
		if got := vals[strings.ToLower(set.Key)]; got != set.Value {
			return withHint(fmt.Errorf("after the edit sshd -T still reports %s %s, not %s, so nothing was written",
				strings.ToLower(set.Key), got, set.Value),
				"look for another "+set.Key+" that sshd reads first (sshd -T -f "+t.Main+")")
		}
	}
	return nil
}

// apply reloads sshd with --reload, or says how to.
func (e *serverEdit) apply(c *sshd.Checker, main string, p *placement.Plan, changed bool) error {
	if e.root != "" {
		return nil // another system's files: its own sshd reads them when it starts
	}
	if runtime.GOOS == "windows" {
		if changed || e.reload {
			fmt.Fprintln(e.s.Err, "keepalive: run `Restart-Service sshd` (as Administrator) for the change to apply to new connections")
		}
		return nil
	}
	if !changed && !e.reload {
		return nil
	}
	r := sshd.FindReload(e.pidFile(c, main, p))
	if !r.Running() {
		fmt.Fprintln(e.s.Err, "keepalive: sshd does not seem to be running; the new settings apply when it starts")
		return nil
	}
	if !e.reload {
		fmt.Fprintf(e.s.Err, "keepalive: run `%s` (or pass --reload) for new connections to get the settings; sessions already open keep the old ones\n", r.Command())
		return nil
	}
	if err := r.Do(); err != nil {
		return withHint(err, "the config was written; reload sshd by hand")
	}
	fmt.Fprintf(e.s.Err, "keepalive: reloaded sshd (%s)\n", r.Command())
	return nil
}

// pidFile is the PidFile of the sshd reading main: as sshd -T prints it,
// else as the config sets it, else "" for sshd's default.
func (e *serverEdit) pidFile(c *sshd.Checker, main string, p *placement.Plan) string {
	if c != nil {
		if vals, err := c.Dump(main, ""); err == nil && vals["pidfile"] != "" {
			return vals["pidfile"]
		}
	}
	sc := e.scope()
	sc.Opts.Override = p.Files
	if o, ok := resolve.Resolve(sc.Opts).Effective("pidfile"); ok {
		return o.Line().Value()
	}
	return ""
}

// tree is the set of files a plan read, with the given contents, as sshd
// would read them.
func tree(p *placement.Plan, main, root string, data map[string][]byte) sshd.Tree {
	t := sshd.Tree{Main: main, Root: root, Files: map[string][]byte{}}
	for _, path := range p.Order {
		if d, ok := data[path]; ok {
			t.Files[path] = d
		}
	}
	if _, ok := t.Files[main]; !ok {
		t.Files[main] = nil
	}
	for path, d := range t.Files { // files that do not exist yet stay out of the current set
		if len(d) == 0 && path != main && !fileExists(path) {
			delete(t.Files, path)
		}
	}
	return t
}

// rejected reports sshd's refusal with the offending path:line.
func rejected(err error, what, hint string) error {
	var rej *sshd.Rejected
	if !errors.As(err, &rej) {
		return err
	}
	var msgs []string
	for _, p := range rej.Problems {
		msgs = append(msgs, p.String())
	}
	return withHint(fmt.Errorf("%s:\n  %s", what, strings.Join(msgs, "\n  ")), hint)
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

package edit

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"strings"
	"unsafe"

	"github.com/keepalive-ssh/keepalive/internal/atomicfile"
	"github.com/keepalive-ssh/keepalive/internal/diff"
	"github.com/keepalive-ssh/keepalive/internal/placement"
	"github.com/keepalive-ssh/keepalive/internal/resolve"
	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// Config is one edit of an OpenSSH configuration.
type Config struct {
	Scope placement.Scope
	// Plan computes the edit from the files as read under the lock.
	Plan func(placement.Scope) (*placement.Plan, error)
	// PlanHint is the hint for an error of Plan.
	PlanHint string
	// Validator checks the configuration before and after the edit; nil
	// skips validation.
	Validator Validator
	// After runs once the files are written (Write mode only): sshd's
	// reload. changed says whether any file changed.
	After func(p *placement.Plan, changed bool) error
	// Done, when set, runs once the edit is over, whatever happened.
	Done func()

	Mode Mode
	// Diff asks for the unified diff in the Result even in Write mode
	// (--verbose, --json); DryRun and Check always have it.
	Diff  bool
	Write atomicfile.Options
	// Summary says what the change does; Idle is the line for no change.
	// " in FILE" is added to both.
	Summary, Idle string
	// Where names the files that already hold the values, for Idle (on
	// Debian often a drop-in rather than the main file); nil: the main file.
	Where func(p *placement.Plan) string
	// Warn receives warnings that do not stop the edit.
	Warn io.Writer
	// Privileged says the main file is a system file: without permission
	// to write it, Write mode fails at once, before sshd runs, even with
	// nothing to change (the usual cause is a missing sudo).
	Privileged bool
	// CreateDir is the one missing directory a write may create (the
	// user's ~/.ssh, whose parent must exist); a file in any other
	// missing directory is an error, not a reason to create directories.
	CreateDir string
}

// Run performs the edit.
func (c *Config) Run() (*Result, error) {
	if c.Done != nil {
		defer c.Done()
	}
	main := c.Scope.Main()
	if err := requireConfigFile(main); err != nil {
		return nil, err
	}
	if c.Privileged && c.Mode.Writes() {
		if err := requireWritable(main); err != nil {
			return nil, err
		}
	}
	unlock, err := atomicfile.Lock(main)
	if err != nil {
		return nil, err
	}
	defer unlock()
	p, err := c.Plan(c.Scope)
	if err != nil {
		return nil, hinted(err, c.PlanHint)
	}
	// ssh -G runs Match exec commands: it may only see a configuration
	// keepalive evaluated completely.
	_, strict := c.Validator.(*SSH)
	incomplete, err := requireComplete(c.Scope, p, strict)
	if err != nil {
		return nil, err
	}
	if strict && len(incomplete) > 0 {
		// ssh -G would run a Match exec command, or read what keepalive
		// could not: say so rather than run it.
		fmt.Fprintf(c.Warn, "keepalive: not validated with ssh -G: %s\n", incomplete[0].Error())
		c.Validator = nil
	}
	changed := p.Changed()
	for _, path := range changed {
		if err := requireDir(path, c.CreateDir); err != nil {
			return nil, err
		}
	}
	for _, path := range changed {
		// Only a change needs write permission: checking a configuration
		// that is already right works for anyone who can read it.
		if c.Mode.Writes() {
			if err := requireWritable(path); err != nil {
				return nil, err
			}
		}
		if filepath.Dir(path) == filepath.Dir(main) {
			continue
		}
		u, err := atomicfile.Lock(path) // a drop-in in another directory
		if err != nil {
			return nil, err
		}
		defer u()
	}
	if c.Validator != nil && (len(changed) == 0 || len(p.Shadowed) > 0) {
		// Nothing to write, or nothing will be: what matters is whether
		// the program already rejects the configuration as it is.
		if err := c.current(p, changed); err != nil {
			return nil, err
		}
	}
	for _, o := range p.MayApply {
		fmt.Fprintf(c.Warn, "keepalive: warning: %s: %s %s is in a block keepalive does not evaluate (%s) and may apply first\n",
			o.Pos(), o.Line().Key(), o.Line().Value(), sshconf.Abbrev(o.Header.Args()))
	}
	if len(p.Shadowed) > 0 {
		var msgs []string
		for _, sh := range p.Shadowed {
			msgs = append(msgs, sh.Error())
		}
		return nil, hintedf("change or remove the line named above, then run keepalive again",
			"%s would not take effect, so nothing was written:\n  %s", c.Summary, strings.Join(msgs, "\n  "))
	}
	if c.Validator != nil && len(changed) > 0 {
		if err := c.candidate(p, changed); err != nil {
			return nil, err
		}
	}

	res := &Result{Changed: len(changed) > 0, Files: changed, Mode: c.Mode}
	if res.Files == nil {
		res.Files = []string{}
	}
	where := main
	if len(changed) == 0 && c.Where != nil {
		where = c.Where(p)
	}
	res.Summary, res.Idle = c.Summary+" in "+where, c.Idle+" in "+where
	if len(p.Changes) > 0 {
		for _, path := range changed {
			what := p.Describe(path)
			if p.Remove[path] {
				what += "; removed the file, which keepalive had created"
			}
			if what == "" {
				what = "removed keepalive's comment above a line changed since it was set" // the line is the user's now
			}
			res.Described = append(res.Described, FileChange{Path: path, What: what})
		}
	}
	res.Notes = p.Notes(flagFor)
	// On a 100,000-host file the diff costs a third of the run: only when
	// it is shown.
	if c.Diff || !c.Mode.Writes() {
		var diffs strings.Builder
		for _, path := range changed {
			if p.Remove[path] { // the whole file goes
				diffs.WriteString(diff.UnifiedText(path, "/dev/null", p.Orig[path], ""))
				continue
			}
			diffs.WriteString(diff.UnifiedText(path, path, p.Orig[path], p.Files[path].String()))
		}
		res.Diff = diffs.String()
	}
	if !c.Mode.Writes() {
		return res, nil
	}
	for _, path := range changed {
		if p.Remove[path] {
			if err := removeChecked(path, p.Orig[path], c.Write); err != nil {
				return nil, err
			}
			continue
		}
		if err := writeChecked(path, p.Orig[path], lines{p.Files[path]}, c.Write); err != nil {
			return nil, err
		}
	}
	if c.After != nil {
		if err := c.After(p, len(changed) > 0); err != nil {
			return res, err
		}
	}
	return res, nil
}

// flagFor names the option that sets a keyword, for "pass --interval to
// change it".
func flagFor(key string) string {
	switch k := strings.ToLower(key); {
	case strings.HasSuffix(k, "countmax"):
		return "--count"
	case strings.HasSuffix(k, "interval"), k == "protocolkeepalives", k == "setuptimeout":
		return "--interval"
	}
	return ""
}

// removeChecked deletes path if it still holds orig.
// A symlink is written empty instead: removing it, or its target, would
// leave something else behind.
func removeChecked(path, orig string, wo atomicfile.Options) error {
	snap, err := readUnchanged(path, orig, wo)
	if err != nil {
		return err
	}
	defer snap.Close()
	err = snap.Remove()
	if errors.Is(err, atomicfile.ErrLink) {
		_, err = snap.Write(nil, wo)
	}
	return err
}

// current checks the configuration as it is on disk (the main file
// missing: nothing to check): the plan's trees but for the files it
// changed, parsed again as they were.
func (c *Config) current(p *placement.Plan, changed []string) error {
	if !fileExists(c.Scope.Main()) {
		return nil
	}
	orig := maps.Clone(p.Files)
	for _, path := range changed {
		orig[path] = sshconf.ParseString(p.Orig[path])
	}
	return c.Validator.Current(tree(p, c.Scope, orig))
}

// candidate checks the edited configuration. One the program rejects is
// checked as it was before, to tell a configuration that was already
// broken (reported as such, untouched) from one the edit would break; in
// the usual case the program runs once.
func (c *Config) candidate(p *placement.Plan, changed []string) error {
	err := c.Validator.Candidate(tree(p, c.Scope, p.Files))
	if err == nil {
		return nil
	}
	if cur := c.current(p, changed); cur != nil {
		return cur
	}
	return err
}

// readUnchanged reads path, which must still hold orig: compared as it is
// read, not copied.
func readUnchanged(path, orig string, wo atomicfile.Options) (*atomicfile.Snapshot, error) {
	snap, err := atomicfile.ReadSame(wo.Root, path, orig)
	if errors.Is(err, atomicfile.ErrChanged) {
		return nil, hintedf("run keepalive again", "%s changed while keepalive was editing it; nothing was written", path)
	}
	return snap, err
}

// writeChecked replaces path with the lines of f if it still holds orig,
// which f's bytes differ from.
func writeChecked(path, orig string, f lines, wo atomicfile.Options) error {
	snap, err := readUnchanged(path, orig, wo)
	if err != nil {
		return err
	}
	defer snap.Close()
	if err := requireOwner(snap, wo); err != nil {
		return err
	}
	return snap.WriteFrom(f, wo)
}

// lines streams a file's lines to the file written, rather than printing
// a copy of it first.
type lines struct{ f *sshconf.File }

// Lines as parsed are consecutive pieces of the file's text, and an edit
// adds a few lines among hundreds of thousands: each run of lines adjacent
// in memory goes out in one write, straight from the text, and only short
// runs (the lines an edit made) through a buffer.
func (l lines) WriteTo(w io.Writer) (int64, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	n := int64(0)
	put := func(run string) error {
		var k int
		var err error
		if len(run) < bw.Available() {
			k, err = bw.WriteString(run)
		} else if err = bw.Flush(); err == nil {
			k, err = io.WriteString(w, run)
		}
		n += int64(k)
		return err
	}
	ls := l.f.Lines
	for i := 0; i < len(ls); {
		// Adjacent bytes are the concatenation, whichever allocation
		// they belong to; each stays alive through its own line.
		start, size := unsafe.StringData(ls[i].Raw), len(ls[i].Raw)
		j := i + 1
		for ; j < len(ls) && size > 0 && unsafe.Pointer(unsafe.StringData(ls[j].Raw)) == unsafe.Add(unsafe.Pointer(start), size); j++ {
			size += len(ls[j].Raw)
		}
		if err := put(unsafe.String(start, size)); err != nil {
			return n, err
		}
		i = j
	}
	return n, bw.Flush()
}

// requireComplete refuses a plan made from a partial evaluation: resolve
// stops when Include asks for unbounded work (a loop or a fan-out such as
// a file including itself ten times), and OpenSSH could not read such a
// configuration either. Only files with Include, or huge ones, can get
// there, so the others skip the check unless always asks for it (to know
// whether the evaluation is complete); it returns what the evaluation
// could not evaluate (resolve.Result.Incomplete), nil when skipped. A
// plan that evaluated its trees last (Plan.Evaluated: a server plan's),
// or can tell for any host (Plan.Completeness: a client plan's), answers
// itself; otherwise the edited trees are evaluated again.
func requireComplete(sc placement.Scope, p *placement.Plan, always bool) ([]resolve.Problem, error) {
	if r := p.Evaluated(sc.Opts.Conn); r != nil {
		return complete(r.Stopped, r.Incomplete)
	}
	lines, include := 0, false
	for _, f := range p.Files {
		lines += len(f.Lines)
		for _, l := range f.Lines {
			if l.Kind == sshconf.Directive && strings.EqualFold(l.Key(), "include") {
				include = true
				break
			}
		}
	}
	if !include && lines < 1<<20 && !always {
		return nil, nil
	}
	stop, incomplete, known := p.Completeness()
	if !known {
		sc.Opts.Override, sc.Opts.Memo = p.Files, p.Memo
		sc.Opts.Keys = []string{} // only whether the walk completes matters
		r := resolve.Resolve(sc.Opts)
		stop, incomplete = r.Stopped, r.Incomplete
	}
	return complete(stop, incomplete)
}

// complete returns incomplete, or the error for an evaluation that
// stopped.
func complete(stop *resolve.Problem, incomplete []resolve.Problem) ([]resolve.Problem, error) {
	if stop != nil {
		return nil, hintedf("fix the Include named above: a file that includes itself, or a pattern that matches too much",
			"%v; nothing was written", stop)
	}
	return incomplete, nil
}

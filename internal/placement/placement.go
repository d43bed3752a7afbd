// Package placement decides where keep-alive directives go so that they take
// effect (docs/SPEC.md "Where an edit goes"), applies the edit to the syntax trees,
// and checks the result by evaluating the configuration again.
package placement

import (
	"fmt"
	"slices"
	"strings"

	"github.com/keepalive-ssh/keepalive/internal/resolve"
	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// Setting is a keyword (canonical spelling) and the value to give it.
type Setting struct {
	Key, Value string
	// Default marks keepalive's own default rather than a value asked
	// for: a value already in effect is kept (an interval of 0, off, is
	// not), and a later setting of the same call is left alone too when
	// the first was kept (keep-alives are on already).
	Default bool
}

// Scope is what an edit is for.
type Scope struct {
	// Opts evaluates the configuration chain being edited; Opts.Files[0]
	// is the file that receives new lines.
	Opts resolve.Options
	// Host is the client Host pattern ("*" for every host).
	Host string
}

// Main returns the path of the file that receives new lines.
func (s Scope) Main() string { return s.Opts.Files[0].Path }

// Plan is an edit: the files it changes and what it found.
type Plan struct {
	// Orig and Files hold, by path on disk, the bytes before and the
	// edited tree of every file read; only those whose bytes differ change.
	// Orig holds the contents as read (resolve.Doc.Text), which the
	// unedited lines are cut from: not a copy.
	Orig  map[string]string
	Files map[string]*sshconf.File
	Order []string // paths in the order first read
	// Shadowed lists what still overrides a setting after the edit.
	Shadowed []Shadow
	// MayApply lists directives in blocks keepalive will not evaluate
	// (Match exec, ...) that could override the result.
	MayApply []resolve.Occurrence

	// Changes are the directives written, restored or removed, in order;
	// Kept those left as they are, with why; Pinned the hosts that keep
	// their own values after a general enable.
	Changes []Change
	Kept    []Kept
	Pinned  []Pinned
	// Remove are files to delete rather than write: keepalive's own
	// drop-in (DropInName), once disable has taken everything out of it.
	Remove map[string]bool

	// Memo serves every evaluation of the plan's trees; a caller
	// evaluating them again (Override: Files) may pass it too.
	Memo *resolve.Memo

	// created is the main file when it did not exist: the file enable
	// creates, which starts with CreatedMarker. firstLine holds, by path,
	// the CreatedMarker line of each file that had one, so that it stays
	// the first line.
	created   string
	firstLine map[string]*sshconf.Line

	// unedited is newPlan's evaluation, for a caller to reuse until its
	// first edit; nil when newPlan had to add an empty main file.
	unedited *resolve.Result
	// base is the last evaluation that walked the trees, which evaluate
	// answers from when the edits since allow (resolve.Result.Edited).
	base *resolve.Result

	// walk is the evaluation Completeness answers from: of the trees as
	// they are now, or, when trimmed, as they were before disable took
	// lines out (restoring, at most, lines of keys). remarked says that
	// markCreated changed lines after it.
	walk     *resolve.Result
	trimmed  bool
	keys     []string
	remarked bool
	// untouched says that no line changed since the files were read
	// (settle knows it from the plan's Changes), so Changed need not
	// compare every file.
	untouched bool
	// final is an evaluation of Files as the plan leaves them, made with
	// finalOpts (see Evaluated); nil when the plan edited them after its
	// last evaluation.
	final     *resolve.Result
	finalOpts resolve.Options
}

// Shadow says that Key's new value does not take effect because of By.
type Shadow struct {
	Key string
	By  resolve.Occurrence
}

func (s Shadow) Error() string {
	return fmt.Sprintf("%s: %s %s overrides the new %s", s.By.Pos(), s.By.Line().Key(), s.By.Line().Value(), s.Key)
}

// Changed returns the paths whose bytes the plan changes, in read order.
func (p *Plan) Changed() []string {
	if p.untouched {
		return nil
	}
	return p.compare()
}

// compare returns the paths whose bytes differ from those read.
func (p *Plan) compare() []string {
	var out []string
	for _, path := range p.Order {
		if !printsAs(p.Files[path], p.Orig[path]) {
			out = append(out, path)
		}
	}
	return out
}

// printsAs reports whether f.Bytes() equals b, without printing f. The
// lengths first: an edit that adds or takes out lines is told apart
// without comparing a byte.
func printsAs(f *sshconf.File, b string) bool {
	n := 0
	for _, l := range f.Lines {
		n += len(l.Raw)
	}
	if n != len(b) {
		return false
	}
	for _, l := range f.Lines {
		if len(l.Raw) > len(b) || b[:len(l.Raw)] != l.Raw {
			return false
		}
		b = b[len(l.Raw):]
	}
	return len(b) == 0
}

// newPlan evaluates the scope once and keeps the parsed files so edits can
// be made on them and evaluated again without touching the disk.
func newPlan(s *Scope) *Plan {
	p := &Plan{Orig: map[string]string{}, Files: map[string]*sshconf.File{}, Memo: resolve.NewMemo()}
	s.Opts.Override = p.Files
	s.Opts.Memo = p.Memo     // its evaluations read the same trees
	s.Opts.NoProblems = true // a plan reads neither Problems nor Version, client or server
	r := resolve.Resolve(s.Opts)
	for _, d := range r.Docs {
		p.addDoc(d)
	}
	if _, ok := p.Files[s.Main()]; !ok { // a config that does not exist yet
		p.add(s.Main(), sshconf.Parse(nil))
		if !slices.ContainsFunc(r.Incomplete, func(q resolve.Problem) bool { return q.Pos == s.Main() }) {
			p.created = s.Main() // rather than unreadable
		}
	} else {
		p.unedited, p.base = r, r
	}
	return p
}

// add keeps a file that is not on disk (yet), as f prints.
func (p *Plan) add(path string, f *sshconf.File) {
	p.addDoc(&resolve.Doc{Path: path, File: f, Text: f.String()})
}

// addDoc keeps a file as read (the plan's own trees, given back through
// Override, are there already).
func (p *Plan) addDoc(d *resolve.Doc) {
	path, f := d.Path, d.File
	if _, ok := p.Files[path]; ok {
		return
	}
	if createdByKeepalive(f) {
		if p.firstLine == nil {
			p.firstLine = map[string]*sshconf.Line{}
		}
		p.firstLine[path] = f.Lines[0]
	}
	p.Files[path] = f
	p.Orig[path] = d.Text
	p.Order = append(p.Order, path)
}

// resolve evaluates the scope with the plan's edited trees.
func (p *Plan) resolve(s *Scope) *resolve.Result {
	r := resolve.Resolve(s.Opts)
	for _, d := range r.Docs { // files newly reached through an edited Include
		p.addDoc(d)
	}
	p.base = r
	return r
}

// evaluate is resolve, answered from the last walk and the edits made
// since when they are only keep-alive lines (resolve.Result.Edited): an
// enable on a 100,000-host config then walks it once, not twice.
func (p *Plan) evaluate(s *Scope) *resolve.Result {
	if p.base != nil {
		if r, ok := p.base.Edited(s.Opts); ok {
			return r
		}
	}
	return p.resolve(s)
}

// uneditedOr returns newPlan's evaluation while the plan has one (no edit
// made yet), else evaluates the trees.
func (p *Plan) uneditedOr(s *Scope) *resolve.Result {
	if p.unedited != nil {
		return p.unedited
	}
	return p.resolve(s)
}

// Evaluated returns the plan's last evaluation of Files as the plan
// leaves them, if it was made for the connection conn (nil: sshd's global
// configuration, or a client's) and recorded every keyword of keys; else
// nil. A caller that needs that evaluation need not make it again: it
// is what resolve.Resolve gives for the plan's Scope with Override Files,
// Conn conn and Keys keys.
func (p *Plan) Evaluated(conn *resolve.Conn, keys ...string) *resolve.Result {
	o := &p.finalOpts
	if p.final == nil || !sameConn(o.Conn, conn) {
		return nil
	}
	if o.Keys != nil {
		for _, k := range keys {
			if !slices.ContainsFunc(o.Keys, func(x string) bool { return o.Dialect.Canon(x) == o.Dialect.Canon(k) }) {
				return nil
			}
		}
	}
	return p.final
}

// sameConn reports whether two connections are the same.
func sameConn(a, b *resolve.Conn) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.User == b.User && a.Host == b.Host && a.Addr == b.Addr && a.LAddr == b.LAddr &&
		a.LPort == b.LPort && a.RDomain == b.RDomain && slices.Equal(a.Groups, b.Groups)
}

// end finishes the plan (finish) and keeps r, the evaluation of its trees
// as they are, made with s.Opts, for Evaluated, unless finish edits them.
func (p *Plan) end(s *Scope, r *resolve.Result) {
	if !p.finish(r) && r != nil {
		p.final, p.finalOpts = r, s.Opts
	}
}

// ProbeHost returns a host name that a Host pattern matches and that only
// general blocks also match: "*" gives a name no real host has.
func ProbeHost(pattern string) string {
	if pattern == "" || pattern == "*" {
		return "keepalive-probe.invalid"
	}
	// Neither replacement brings back a wildcard, so one after the other
	// is the same as both at once.
	p := strings.ReplaceAll(strings.TrimPrefix(pattern, "!"), "*", "keepalive-probe")
	return strings.ReplaceAll(p, "?", "k")
}

// ownsLine reports whether an existing directive belongs to the scope, so
// that updating it changes nothing but the scope: any block for the default
// scope, and only a block for exactly this pattern for a single host.
func (s *Scope) ownsLine(o resolve.Occurrence) bool {
	if s.Host == "" || s.Host == "*" {
		return true
	}
	return o.Header != nil && o.Header.Is("Host") && o.Header.NArg() == 1 && o.Header.Arg0() == s.Host
}

// markCreated keeps CreatedMarker the first line of a file that has it,
// gives it to the file enable creates, and removes a file that disable
// left with nothing but the marker: keepalive created it. It reports
// whether it moved or added a line.
func (p *Plan) markCreated() (edited bool) {
	if f := p.Files[p.created]; p.created != "" && len(f.Lines) > 0 && !createdByKeepalive(f) {
		f.Insert(0, CreatedMarker)
		edited = true
	}
	for path, l := range p.firstLine {
		f := p.Files[path]
		if i := lineIndex(f, l); i > 0 { // lines went above it
			f.Remove(i)
			f.Insert(0, CreatedMarker)
			edited = true
		}
	}
	for path, f := range p.Files {
		if onlyCreatedMarker(f) && !printsAs(f, p.Orig[path]) {
			if p.Remove == nil {
				p.Remove = map[string]bool{}
			}
			p.Remove[path] = true
		}
	}
	return edited
}

// settle records r, an evaluation of the trees as they are now, for
// Completeness; after trims (disable took lines out since r, restoring at
// most lines of keys).
//
// Every line a client plan changes is recorded in Changes (enable) or is
// a Change or a stale marker taken out (disable, trims): without them and
// without markCreated's lines, the files are as read.
func (p *Plan) settle(r *resolve.Result, trims bool, keys []string) {
	p.walk, p.trimmed, p.keys = r, trims, keys
	p.untouched = len(p.Changes) == 0 && !trims && !p.remarked
}

// Completeness tells, without evaluating the edited trees again, what such
// an evaluation says about the configuration as a whole: where it stops
// (resolve.Result.Stopped) and what it cannot evaluate (Incomplete), for
// any host. known is false when the plan cannot tell: it has no such
// evaluation (server plans, a file enable creates), or the lines walked
// may depend on the host (an Include with a %-token, CanonicalizeHostname
// or Match canonical/final, which bring ssh's final pass), or disable
// took lines out of an evaluation that was not complete (positions
// moved) or put back lines other than keep-alives.
//
// For a walk that does not depend on the host (resolve.Result.
// HostDependent) the answer is the same for any host. Taking out
// keep-alive lines, markers and the headers and "Match all" keepalive
// added can only shorten such a walk.
func (p *Plan) Completeness() (stopped *resolve.Problem, incomplete []resolve.Problem, known bool) {
	r := p.walk
	if r == nil || p.remarked || r.HostDependent {
		return nil, nil, false
	}
	if !p.trimmed {
		return r.Stopped, r.Incomplete, true
	}
	if r.Stopped != nil || !r.Complete() {
		return nil, nil, false
	}
	for _, c := range p.Changes {
		if c.Restored && !slices.ContainsFunc(p.keys, func(k string) bool { return strings.EqualFold(k, c.Key) }) {
			return nil, nil, false
		}
	}
	return nil, nil, true
}

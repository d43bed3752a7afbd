// Package resolve computes, the way OpenSSH does, which directive is in
// effect for a keyword: first obtained value wins, across the user and
// system configs, Host and Match blocks, and Include. It never runs
// "Match exec": such a block "may apply" and is reported as such.
//
// Where OpenSSH releases differ (how a Match line is split, the criteria
// and keywords that exist, ${ENV} and %-tokens in Include) it follows the
// release Options.Version names, asking only when a line depends on it.
// What OpenSSH would refuse is a Problem (Result.Rejected); what keepalive
// could not evaluate as OpenSSH would is listed in Result.Incomplete, and
// only a Complete result may be handed to ssh -G, which runs Match exec.
// Files are read through FS: without blocking, each file once however it
// is spelled, and under a root directory never outside it.
package resolve

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// State is whether a directive applies to the query.
type State uint8

const (
	Inactive State = iota
	Maybe          // depends on something keepalive will not evaluate (Match exec, ...)
	Active
)

func (s State) String() string {
	return [...]string{"inactive", "may apply", "active"}[s]
}

// Doc is one config file as read.
type Doc struct {
	Path string // on disk
	File *sshconf.File
	// Text is the file's contents as read, which File prints as long as
	// it is not edited; "" for a file from Options.Override.
	Text string
}

// Occurrence is one directive met while evaluating, with whether it applied.
//
// A show of a large fleet keeps hundreds of thousands: the small fields
// are small types (48 bytes an occurrence, not 64).
type Occurrence struct {
	Doc    *Doc
	Index  int    // line index in Doc.File.Lines
	Key    string // canonical lower-case keyword (aliases resolved)
	Header *sshconf.Line
	State  State
	Pass   uint8 // 1; 2 is the client's final pass or the server's Match pass
	Depth  uint8 // Include depth: 0 for a top-level file (at most maxDepth)
}

// Line returns the directive's line.
func (o Occurrence) Line() *sshconf.Line { return o.Doc.File.Lines[o.Index] }

// Pos returns "path:line".
func (o Occurrence) Pos() string { return fmt.Sprintf("%s:%d", o.Doc.Path, o.Index+1) }

// Problem is something OpenSSH would warn about or refuse, at a position.
type Problem struct {
	Pos string // "path:line" or "path"
	Msg string
}

func (p Problem) Error() string { return p.Pos + ": " + p.Msg }

// Result is the outcome of one evaluation.
type Result struct {
	Occurrences []Occurrence
	Docs        []*Doc // every file read, in the order first read
	Problems    []Problem
	// Stopped is set when the evaluation gave up because the Include
	// structure asked for too much work (see maxSteps): the result then
	// covers only part of the configuration.
	Stopped *Problem
	// Incomplete lists why keepalive's evaluation may differ from
	// OpenSSH's: a Match exec (in any spelling) it will not run, an
	// Include it skipped (unreadable, too large, not a regular file, too
	// much to glob), an Include token it cannot expand. Empty when the
	// evaluation is complete. Running ssh -G on an incomplete config may
	// run a command: see Complete.
	Incomplete []Problem
	// HostDependent says that the lines walked, and so Stopped and
	// Incomplete, may differ for another host: an Include expanded a
	// %-token, or a CanonicalizeHostname or Match canonical/final line
	// was met (ssh's final pass). Otherwise every host walks the same
	// lines and files: Match exec is reported whether or not its block
	// applies.
	HostDependent bool
	// Version is the OpenSSH release the evaluation followed, when some
	// line depended on it (nil when none did: Options.Version was not
	// asked).
	Version *Version
	server  bool
	headers map[*sshconf.Line]linePlace // see HeaderPos
	trace   *trace                      // for Edited; nil when it cannot help
	steps   int                         // of the budget (maxSteps), spent
}

type linePlace struct {
	doc   *Doc
	index int
}

// OccurrenceHeaderPos returns "path:line" of o's block header, or "" when
// it has none or it is not in the files read. A header in o's own file is
// found by looking back from o, without indexing every file.
func (r *Result) OccurrenceHeaderPos(o Occurrence) string {
	if o.Header == nil {
		return ""
	}
	lines := o.Doc.File.Lines
	for j := min(o.Index, len(lines)-1); j >= 0; j-- {
		if l := lines[j]; sshconf.IsHeader(l) {
			if l == o.Header && r.firstDocOf(o.Doc) {
				return linePos(o.Doc.Path, j)
			}
			break
		}
	}
	return r.HeaderPos(o.Header)
}

// firstDocOf reports whether no file read before d holds d's lines.
func (r *Result) firstDocOf(d *Doc) bool {
	for _, e := range r.Docs {
		if e == d {
			return true
		}
		if e.File == d.File {
			return false
		}
	}
	return false
}

// HeaderPos returns "path:line" of a line in the files read (a block
// header, typically), or "" when it is in none. The first call indexes the
// headers of every file; a line that is not a header is looked for line by
// line.
func (r *Result) HeaderPos(h *sshconf.Line) string {
	if r.headers == nil {
		r.headers = map[*sshconf.Line]linePlace{}
		for _, d := range r.Docs {
			for i, l := range d.File.Lines {
				if _, ok := r.headers[l]; !ok && sshconf.IsHeader(l) {
					r.headers[l] = linePlace{d, i}
				}
			}
		}
	}
	if p, ok := r.headers[h]; ok {
		return linePos(p.doc.Path, p.index)
	}
	if sshconf.IsHeader(h) {
		return ""
	}
	for _, d := range r.Docs {
		for i, l := range d.File.Lines {
			if l == h {
				return linePos(d.Path, i)
			}
		}
	}
	return ""
}

// Complete reports whether keepalive evaluated the configuration as
// OpenSSH would, with nothing skipped: only then is it safe to run ssh -G
// on it (ssh -G runs Match exec commands).
func (r *Result) Complete() bool { return len(r.Incomplete) == 0 }

// Rejected returns the first problem that makes OpenSSH refuse the
// configuration, or nil.
func (r *Result) Rejected() *Problem {
	for i := range r.Problems {
		if r.Stopped == nil || r.Problems[i] != *r.Stopped {
			return &r.Problems[i]
		}
	}
	return nil
}

// Effective returns the occurrence that sets key (canonical, any case), if
// any. For the server a matching Match block overrides the global value.
func (r *Result) Effective(key string) (Occurrence, bool) {
	key = strings.ToLower(key)
	if r.server {
		if o, ok := r.first(key, 2); ok {
			return o, true
		}
		return r.first(key, 1)
	}
	return r.first(key, 0)
}

func (r *Result) first(key string, pass int) (Occurrence, bool) {
	for _, o := range r.Occurrences {
		if o.Key == key && o.State == Active && (pass == 0 || int(o.Pass) == pass) {
			return o, true
		}
	}
	return Occurrence{}, false
}

// All returns every occurrence of key in the given state, in order.
func (r *Result) All(key string, st State) []Occurrence {
	key = strings.ToLower(key)
	var out []Occurrence
	for _, o := range r.Occurrences {
		if o.Key == key && o.State == st {
			out = append(out, o)
		}
	}
	return out
}

// Doc returns the document read from path, or nil.
func (r *Result) Doc(path string) *Doc {
	for _, d := range r.Docs {
		if d.Path == path {
			return d
		}
	}
	return nil
}

// Input is a file to read at the top level.
type Input struct {
	Path string
	// User is true for a user's own config: relative Includes resolve
	// against ~/.ssh and '~' is allowed.
	User bool
}

// Conn describes an incoming connection for sshd's Match blocks. A nil
// Conn evaluates the global configuration, as `sshd -T` does without -C:
// only "Match all" blocks apply.
type Conn struct {
	User, Host, Addr, LAddr, LPort, RDomain string
	Groups                                  []string
}

// Options say what to evaluate.
type Options struct {
	Dialect sshconf.Dialect
	FS      FS
	Home    string  // expands '~' in client Includes
	Files   []Input // top-level files in the order the program reads them

	// Client query: the host as typed on the command line, the remote
	// user if given, the local user.
	Host, User, LocalUser string

	// Server query.
	Conn *Conn

	// Getenv looks up the environment variables of ${VAR} in a client
	// Include (OpenSSH 9.9 and later); nil: none is set.
	Getenv func(string) (string, bool)
	// LocalHost and UID are the local machine's host name and the local
	// user's uid, for the %l, %L, %C and %i tokens of a client Include;
	// "" when unknown (an Include using them is then not evaluated).
	LocalHost, UID string

	// Version returns the OpenSSH release to follow where releases differ
	// (see Version). It is called at most once, and only when a line
	// depends on it; nil, or an unknown Version, means the newest release.
	Version func() Version

	// Override supplies file contents by path on disk instead of reading
	// them: used to evaluate a planned edit before writing it.
	Override map[string]*sshconf.File

	// Keys, when not nil, limits Result.Occurrences to these keywords
	// (any case; aliases allowed): a caller that asks about two keywords
	// of a 100,000-line config need not be handed every line. The
	// evaluation itself is unchanged (Match still sees HostName, User,
	// Tag and CanonicalizeHostname). nil records every keyword.
	Keys []string

	// Memo, when set, remembers work that depends only on a line across
	// the evaluations that share it (see Memo).
	Memo *Memo

	// Skip, for a client evaluation, skips the blocks that cannot apply
	// to Host (see Skip): for callers that evaluate many hosts and look
	// only at active occurrences. nil walks every line.
	Skip *Skip

	// NoProblems is for callers that read neither Result.Problems nor
	// Result.Version (an edit's evaluations): what only those need is
	// not computed. Keywords are not checked against the release, and
	// sshd's Match lines are not parsed in its first pass, which no Match
	// block applies to. Occurrences, Incomplete and Stopped are the same.
	NoProblems bool
}

// maxDepth is OpenSSH's READCONF_MAX_DEPTH / SERVCONF_MAX_DEPTH.
const maxDepth = 16

// maxSteps bounds the work of one evaluation: each directive and each
// Include argument walked costs a step, each pattern expanded on disk
// globCost more, each file entered fileCost, and each file read a step per
// bytesPerStep bytes (Include /*/*/* would read gigabytes of binaries). The depth limit alone does
// not bound the walk: a file that includes itself ten times on one line asks
// for 10^16 visits (OpenSSH itself would spin on it). The largest real
// configurations (100,000 Host blocks, read twice) need a fifth of this.
const (
	maxSteps     = 4 << 20
	globCost     = 16
	fileCost     = 64
	bytesPerStep = 16
)

// errStopped is load's error once the budget is spent.
var errStopped = errors.New("evaluation stopped")

// Resolve evaluates the configuration for the query in opts.
func Resolve(opts Options) *Result {
	r := &Result{server: opts.Dialect.Server}
	w := newWalker(&opts, r)
	if !opts.Dialect.Server && opts.Skip == nil && opts.Override != nil {
		// Only an evaluation of trees that can be edited (a plan's,
		// through Override) can be answered again by Result.Edited.
		w.trace = &trace{opts: opts, docs: map[*sshconf.File]docState{}}
	}
	k := newKeySet(&opts)
	w.keys, w.quick, w.spellings = k.canon, k.quick, k.spellings
	w.run(1)
	if !opts.Dialect.Server && !w.wantFinal {
		if v, ok := w.vals["canonicalizehostname"]; ok && (strings.EqualFold(v, "yes") || strings.EqualFold(v, "always")) {
			w.wantFinal = true
		}
	}
	if opts.Dialect.Server || w.wantFinal {
		w.run(2)
	}
	if w.trace != nil && w.pass == 1 {
		w.trace.steps = w.steps
		r.trace = w.trace
	}
	r.steps = w.steps
	if opts.Skip != nil {
		opts.Skip.spare = w
	}
	return r
}

// newWalker returns a walker for one evaluation. The evaluations of a
// Skip (show's, one per host, thousands) take turns with one walker and
// its maps, emptied: allocated anew, they were most of what each
// evaluation left behind.
func newWalker(opts *Options, r *Result) *walker {
	if sk := opts.Skip; sk != nil && sk.spare != nil {
		w := sk.spare
		sk.spare = nil
		docs, vals, globs := w.docs, w.vals, w.globs
		clear(docs)
		clear(vals)
		clear(globs)
		*w = walker{opts: opts, res: r, docs: docs, vals: vals, globs: globs, visit: -1}
		return w
	}
	return &walker{opts: opts, res: r, docs: map[string]*Doc{}, visit: -1}
}

type walker struct {
	opts      *Options
	res       *Result
	docs      map[string]*Doc
	pass      int
	vals      map[string]string // first value so far of keywords Match needs
	wantFinal bool
	finalHost string
	steps     int
	seen      map[Problem]bool // problems reported, so a re-walked file adds none
	// incompleteSeen is Result.Incomplete as a set.
	incompleteSeen map[Problem]bool
	lportNoted     bool           // a Match LocalPort sshd -T would refuse is in Incomplete
	skipped        []skippedFiles // files skipFiles skipped whole
	expanded       []*fileSet     // the file sets met so far
	ver            *Version
	failed         map[string]error // reads that failed, by path: tried once
	failedID       map[fileID]error // and by device and inode
	byID           map[fileID]*Doc  // files read, by device and inode
	globs          map[string]globResult
	keys           map[string]bool // Options.Keys, canonical; nil for all
	spellings      map[string]*spelling
	quick          *quickKeys      // see quickKeys; nil: every line is looked up
	recent         recentSpellings // see spelling
	lastHN         string          // hostName's input and output, see skipTo
	lastMatch      string
	hnIn           string // the HostName value hostName expanded last, and the result
	hnOut          string
	trace          *trace // what Result.Edited will need, recorded in the first pass; nil: not recorded
	visit          int    // the trace's visit being walked, -1 for none
	incLine        int    // the line of the Include whose file is entered next
}

// linePos returns "path:line" for line index i.
func linePos(path string, i int) string { return path + ":" + strconv.Itoa(i+1) }

// globResult is an Include pattern's expansion, kept for the whole
// evaluation: a file included many times is globbed once.
type globResult struct {
	matches []string
	err     error
}

func (w *walker) run(pass int) {
	w.pass = pass
	if pass == 1 {
		if w.vals == nil {
			w.vals = map[string]string{}
		}
	} else if !w.opts.Dialect.Server {
		// ssh re-reads its config with the host name it will connect to:
		// HostName applied, lower-cased.
		w.finalHost = strings.ToLower(w.hostName())
	}
	for _, in := range w.opts.Files {
		if w.res.Stopped != nil {
			return
		}
		active := Active
		if w.opts.Dialect.Server && pass == 2 {
			active = Inactive // the Match pass reads only Match blocks
		}
		w.incLine = -1
		w.file(in.Path, in.User, 0, &active, Active, nil)
	}
}

// version returns the OpenSSH release to follow, asking Options.Version
// the first time.
func (w *walker) version() Version {
	if w.ver == nil {
		v := Version{}
		if w.opts.Version != nil {
			v = w.opts.Version()
		}
		w.ver = &v
		if w.res != nil {
			w.res.Version = &v
		}
	}
	return *w.ver
}

// prog names the program whose config is evaluated.
func (w *walker) prog() string {
	if w.opts.Dialect.Server {
		return "sshd"
	}
	return "ssh"
}

// incomplete records why the evaluation may differ from OpenSSH's.
func (w *walker) incomplete(pos, format string, args ...any) {
	if w.res == nil {
		return
	}
	w.res.Incomplete = once(w.res.Incomplete, &w.incompleteSeen, Problem{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// once appends p to list unless seen (the list as a set) has it. A set,
// not a look through the list: an sshd_config with a "Match LocalPort"
// block per service has tens of thousands of lines to report.
func once(list []Problem, seen *map[Problem]bool, p Problem) []Problem {
	if (*seen)[p] {
		return list
	}
	if *seen == nil {
		*seen = map[Problem]bool{}
	}
	(*seen)[p] = true
	return append(list, p)
}

// byHost records that the lines walked may depend on the host
// (Result.HostDependent).
func (w *walker) byHost() {
	if w.res != nil {
		w.res.HostDependent = true
	}
}

func (w *walker) problem(pos, format string, args ...any) {
	if w.pass != 1 || w.res == nil || w.opts.NoProblems {
		return
	}
	w.res.Problems = once(w.res.Problems, &w.seen, Problem{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// step spends n steps of the budget on the line at pos, and reports false,
// recording where it stopped, once the budget is spent.
func (w *walker) step(n int, pos string) bool {
	if w.res.Stopped != nil {
		return false
	}
	if w.steps += n; w.steps <= maxSteps {
		return true
	}
	w.stop(pos, "the configuration and what it Includes is too large to evaluate (an Include loop, a fan-out or a glob over large files?); keepalive stopped reading here")
	return false
}

// stop ends the evaluation at pos: every later step fails.
func (w *walker) stop(pos, msg string) {
	p := Problem{Pos: pos, Msg: msg}
	w.res.Stopped = &p
	w.res.Problems = append(w.res.Problems, p)
	w.res.Incomplete = append(w.res.Incomplete, p)
}

func (w *walker) load(path string) (*Doc, error) {
	if d, ok := w.docs[path]; ok {
		return d, nil
	}
	var f *sshconf.File
	if o, ok := w.opts.Override[path]; ok {
		// Charged like a read, so that evaluating planned edits stops
		// where the first evaluation did.
		size := 0
		if w.skip() {
			if size = w.opts.Skip.of(o).size; len(w.skipped) > 0 && w.readBySkip(path) {
				size = 0 // charged when it was skipped whole
			}
		} else {
			for _, l := range o.Lines {
				size += len(l.Raw)
			}
		}
		if !w.step(size/bytesPerStep, path) {
			return nil, errStopped
		}
		f = o
		w.noteDoc(f, size)
	} else {
		if err, ok := w.failed[path]; ok {
			return nil, err
		}
		var seen *Doc
		var seenErr error
		data, id, n, err := w.opts.FS.readFile(path, func(id fileID) bool {
			if seen = w.byID[id]; seen != nil {
				return true
			}
			seenErr = w.failedID[id]
			return seenErr != nil
		})
		// What was read costs steps whether or not it was usable: a
		// hostile Include of /proc/self/pagemap (size 0, 64 MiB read before
		// it is refused) is charged a quarter of what it read, so that a few
		// such files stop the evaluation.
		charge := n / bytesPerStep
		if err != nil {
			charge /= 4
		}
		if !w.step(charge, path) {
			return nil, errStopped
		}
		if errors.Is(err, errSeen) {
			// The same file spelled differently (a symlink, /etc/ssh/./x):
			// read once, evaluated again wherever it is included.
			if seen == nil {
				return nil, seenErr
			}
			w.docs[path] = seen
			return seen, nil
		}
		if err != nil {
			if w.failed == nil {
				w.failed, w.failedID = map[string]error{}, map[fileID]error{}
			}
			w.failed[path] = err
			if id != (fileID{}) {
				w.failedID[id] = err
			}
			return nil, err
		}
		f = sshconf.ParseString(data)
		w.noteDoc(f, len(data))
		d := &Doc{Path: path, File: f, Text: data}
		if id != (fileID{}) {
			if w.byID == nil {
				w.byID = map[fileID]*Doc{}
			}
			w.byID[id] = d
		}
		w.docs[path] = d
		w.res.Docs = append(w.res.Docs, d)
		return d, nil
	}
	var d *Doc
	if w.skip() {
		// The same for each of a Skip's evaluations: made once.
		if sd, ok := w.opts.Skip.docs[path]; ok && sd.File == f {
			d = sd
		} else {
			d = &Doc{Path: path, File: f}
			w.opts.Skip.docs[path] = d
		}
	} else {
		d = &Doc{Path: path, File: f}
	}
	w.docs[path] = d
	w.res.Docs = append(w.res.Docs, d)
	return d, nil
}

// file evaluates one file. active is the current block state, shared with
// the including file; limit caps what a header inside may set it to (an
// Include in a block that does not apply makes every block in the included
// file not apply, as OpenSSH's SSHCONF_NEVERMATCH does).
func (w *walker) file(path string, user bool, depth int, active *State, limit State, header *sshconf.Line) {
	doc, err := w.load(path)
	if err != nil {
		if errors.Is(err, errStopped) {
			return
		}
		if depth == 0 && errors.Is(err, fs.ErrNotExist) {
			return // a missing top-level config is simply empty
		}
		switch {
		case errors.Is(err, ErrTooLarge), errors.Is(err, ErrNotRegular):
			// OpenSSH would read it; keepalive will not.
			w.incomplete(path, "keepalive did not read this file: %v", unwrapPath(err))
		case w.opts.Dialect.Server && errors.Is(err, fs.ErrPermission):
			// sshd reads as root what keepalive, run as a user, may not.
			w.incomplete(path, "keepalive could not read this file: %v (sshd reads it as root; run keepalive with sudo to see it)", unwrapPath(err))
		default:
			w.problem(path, "%v", unwrapPath(err))
			w.incomplete(path, "keepalive could not read this file: %v", unwrapPath(err))
		}
		return
	}
	if w.trace != nil && w.pass == 1 {
		defer w.enter(doc, depth, *active, limit, header)()
	}
	var sg *segments
	seg := 0
	if w.skip() {
		sg = w.opts.Skip.of(doc.File)
		// The first block too may be skipped, and with it a whole file
		// of blocks for other hosts: a fleet split into a thousand
		// Included files has each host's evaluation enter every one.
		seg = -1
	}
	lines := doc.File.Lines
	var inMatchOf *sshconf.Line // the header inMatch was computed for
	inMatch := false
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if sg != nil && seg+1 < len(sg.start) && i == sg.start[seg+1] {
			seg++
			if to := w.skipTo(sg, seg); to > seg {
				// Blocks that cannot apply: as if walked, inactive.
				w.steps += sg.directives[to] - sg.directives[seg]
				*active, header = Inactive, lines[sg.start[to-1]]
				seg = to
				if to == len(sg.start) {
					return
				}
				i, l = sg.start[to], lines[sg.start[to]]
			}
		}
		if l.Kind != sshconf.Directive {
			continue
		}
		// The common case, inline: the position is formatted only when
		// something is reported.
		if w.res.Stopped != nil || w.steps+1 > maxSteps {
			w.step(1, linePos(path, i))
			return
		}
		w.steps++
		if l.Err() != nil {
			w.problem(linePos(path, i), "%s: %v", l.Key(), l.Err())
			if l.Is("Match") || l.Is("Host") && !w.opts.Dialect.Server {
				// A block whose header OpenSSH refuses: its lines are not
				// values in effect (the config is refused anyway).
				*active, header = Inactive, l
			}
			continue
		}
		k := l.Key()
		if *active != Active && w.quick != nil && !w.quick.may(k) {
			continue // a keyword that does nothing in a block that does not apply
		}
		sp := w.spelling(k)
		key := sp.canon
		if w.pass == 1 && !w.opts.NoProblems {
			if header != inMatchOf {
				inMatchOf, inMatch = header, header != nil && header.Is("Match")
			}
			w.checkKeyword(path, i, l, sp, inMatch)
		}
		switch {
		case key == "host" && !w.opts.Dialect.Server:
			*active = min(limit, stateOf(matchHost(w.hostForHostLine(), l)))
			header = l
		case key == "match":
			*active = min(limit, w.match(doc.File, path, i, l))
			header = l
		case key == "include":
			w.include(linePos(path, i), i, l, user, depth, active, limit, header)
		default:
			if key == "canonicalizehostname" {
				w.byHost() // its value for the host may bring the final pass
			}
			if sp.record {
				if o := w.res.Occurrences; len(o) == cap(o) && len(o) >= 1024 {
					// Doubled: append grows a large slice by a quarter, which
					// leaves four times its final size behind, uncollected
					// below the collector's floor (a fleet where every host
					// sets its own value has 100,000 occurrences).
					w.res.Occurrences = slices.Grow(o, len(o))
				}
				w.res.Occurrences = append(w.res.Occurrences, Occurrence{
					Doc: doc, Index: i, Key: key, State: *active, Pass: uint8(w.pass), Header: header, Depth: uint8(depth),
				})
			}
			if *active == Active && w.pass == 1 {
				if _, seen := w.vals[key]; !seen {
					w.vals[key] = l.Value()
				}
			}
		}
	}
}

// skip reports whether this evaluation skips blocks (Options.Skip).
func (w *walker) skip() bool { return w.opts.Skip != nil && !w.opts.Dialect.Server }

// skipTo returns the first segment from seg on that may apply to the
// host, if the budget allows skipping to it as if its lines were walked;
// else seg.
func (w *walker) skipTo(sg *segments, seg int) int {
	host, matchHost, ok := w.skipHosts()
	if !ok {
		return seg
	}
	to := sg.next(seg-1, host, matchHost)
	if to <= seg || w.res.Stopped != nil || w.steps+sg.directives[to]-sg.directives[seg] > maxSteps {
		return seg
	}
	return to
}

// skipHosts returns the host Host lines match and the host name "Match
// host" matches, as they are now in the walk; ok is false when the Skip
// did not index the host's blocks (nothing may be skipped).
func (w *walker) skipHosts() (host, matchHost string, ok bool) {
	host, matchHost = w.hostForHostLine(), w.finalHost
	if w.pass == 1 {
		hn, ok := w.vals["hostname"]
		if !ok {
			hn = "\x00" // not a HostName: the host as typed
		}
		if hn != w.lastHN || w.lastMatch == "" {
			w.lastHN, w.lastMatch = hn, strings.ToLower(w.hostName())+"\x00"
		}
		matchHost = strings.TrimSuffix(w.lastMatch, "\x00")
	}
	return host, matchHost, w.opts.Skip.hosts[host]
}

// skipFiles returns the first of the files an Include expanded to (set,
// from file k on) that may apply to the host, charging those before it
// as if walked; k when none can be skipped. Files read before (through
// another Include) are not charged their bytes again.
func (w *walker) skipFiles(set *fileSet, k int) int {
	host, matchHost, ok := w.skipHosts()
	if !ok || w.res.Stopped != nil {
		return k
	}
	to := set.next(k, host, matchHost)
	if to <= k {
		return k
	}
	cost := set.cost[to] - set.cost[k]
	for path := range w.docs {
		if i, ok := set.index[path]; ok && k <= i && i < to {
			cost -= set.bytes[i] / bytesPerStep // read already
		}
	}
	if w.steps+cost > maxSteps {
		return k // walked, to stop where the walk does
	}
	w.steps += cost
	w.skipped = append(w.skipped, skippedFiles{set, k, to})
	return to
}

// readBySkip reports whether a file was skipped whole (skipFiles): its
// bytes are charged already.
func (w *walker) readBySkip(path string) bool {
	for _, r := range w.skipped {
		if i, ok := r.set.index[path]; ok && r.from <= i && i < r.to {
			return true
		}
	}
	return false
}

func stateOf(b bool) State {
	if b {
		return Active
	}
	return Inactive
}

func (w *walker) include(pos string, at int, l *sshconf.Line, user bool, depth int, active *State, limit State, header *sshconf.Line) {
	if depth+1 > maxDepth {
		w.problem(pos, "Include nested more than %d deep (an Include loop?); OpenSSH refuses this", maxDepth)
		return
	}
	for _, arg := range l.Args() {
		if !w.step(1, pos) {
			return
		}
		if arg == "" {
			w.problem(pos, "Include \"\": keyword Include empty argument; %s refuses this line", w.prog())
			return
		}
		expanded, ok := w.expandInclude(pos, arg)
		if !ok {
			continue
		}
		p, err := w.includePath(expanded, user)
		if err != nil {
			w.problem(pos, "Include %s: %v", arg, err)
			continue
		}
		g, ok := w.globs[p]
		if !ok {
			if !w.step(globCost, pos) {
				return
			}
			var shared bool
			if w.skip() {
				g, shared = w.opts.Skip.globs[p] // expanded by an earlier evaluation
			}
			if !shared {
				g.matches, g.err = w.opts.FS.Glob(p)
			}
			if w.globs == nil {
				w.globs = map[string]globResult{}
			}
			w.globs[p] = g
			if w.skip() {
				w.opts.Skip.globs[p] = g
			}
		}
		matches, err := g.matches, g.err
		if isGlobTooLarge(err) { // what it leaves out may matter: stop
			w.stop(pos, fmt.Sprintf("Include %s %v; keepalive stopped reading here", arg, err))
			return
		}
		if err != nil {
			w.problem(pos, "Include %s: %v", arg, err)
			continue
		}
		outer := *active
		lim := min(limit, outer)
		if w.opts.Dialect.Server && w.pass == 2 && header == nil {
			// sshd reads an Include above its first Match as part of the
			// main file: Match blocks inside it are evaluated (its
			// SSHCFG_MATCH_ONLY), not disabled (NEVERMATCH).
			lim = limit
		}
		var set *fileSet
		if w.skip() {
			// Skipped whole only the first time the files are met in an
			// evaluation, as load charges a file's bytes once.
			if set = w.opts.Skip.fileSet(p, matches, w.opts.Override); set.overlaps || slices.Contains(w.expanded, set) {
				set = nil
			} else {
				w.expanded = append(w.expanded, set)
			}
		}
		for k := 0; k < len(matches); k++ {
			if set != nil {
				if k = w.skipFiles(set, k); k == len(matches) {
					break
				}
			}
			if !w.step(fileCost, pos) {
				return
			}
			w.incLine = at
			w.file(matches[k], user, depth+1, active, lim, header)
			*active = outer // a Match inside an Include does not leak out
		}
	}
}

// includePath anchors an Include argument: relative paths live in ~/.ssh for
// a user config and /etc/ssh for system files; '~' is for user configs only.
func (w *walker) includePath(arg string, user bool) (string, error) {
	if strings.HasPrefix(arg, "~") && !w.opts.Dialect.Server {
		if !user {
			return "", errors.New("'~' is not allowed in a system config")
		}
		return expandTilde(arg, w.opts.Home)
	}
	if isAbs(arg) {
		return arg, nil
	}
	if user && !w.opts.Dialect.Server {
		return filepath.Join(w.opts.Home, ".ssh", arg), nil
	}
	return AnchorSystem(arg), nil
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Path, pe.Err)
	}
	return err
}

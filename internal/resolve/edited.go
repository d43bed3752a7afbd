package resolve

import (
	"slices"
	"sort"
	"strings"

	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// Edited returns what Resolve(opts) gives for the trees r evaluated, as
// they are now, without walking them again, when the edits made to them
// since (sshconf.File.Edits) cannot change how any line r walked is
// evaluated: lines added, removed or rewritten are comments, blank lines
// or keep-alive directives (ServerAliveInterval and ServerAliveCountMax,
// which no Host or Match line reads), a Host header added opens a block
// of nothing but such added lines, and any other line rewritten reads
// the same (a line ending added at the end of a file). The added
// directives then only take their place among r's occurrences, in the
// state of the block they are in. ok is false when it cannot tell: r
// stopped, walked twice (ssh's final pass), was not a client's
// evaluation for the same query with opts' Override trees, an edited
// file was walked more than once or reported a problem, or an edit is of
// another kind. The caller then evaluates the trees again.
//
// An edit of a 100,000-host config walks it once instead of twice.
func (r *Result) Edited(opts Options) (_ *Result, ok bool) {
	t := r.trace
	if t == nil || r.Stopped != nil || r.HostDependent || !t.sameQuery(&opts) {
		return nil, false
	}
	// Every tree opts supplies was walked, at its path, and so was every
	// file r read: the walk reads the same files.
	for _, d := range r.Docs {
		if opts.Override[d.Path] != d.File {
			return nil, false
		}
	}
	if len(opts.Override) != len(r.Docs) {
		return nil, false
	}
	visits := map[*Doc][]int{}
	for k, v := range t.visits {
		visits[v.doc] = append(visits[v.doc], k)
	}

	e := &edited{r: r, t: t, opts: &opts, moved: map[*Doc]*lineMap{}, renamed: map[*sshconf.Line]*sshconf.Line{}}
	for _, d := range r.Docs {
		st := t.docs[d.File]
		edits := d.File.Edits()
		if len(edits) == st.edits {
			continue
		}
		m, ok := mapLines(st.lines, edits[st.edits:], len(d.File.Lines))
		if !ok || len(visits[d]) != 1 || t.reported(r, d.Path) {
			return nil, false
		}
		e.moved[d] = m
		if !e.check(d, m, t.visits[visits[d][0]], visits[d][0]) {
			return nil, false
		}
	}
	// Each edited file's charge for its bytes may round up by a step.
	if t.steps+e.steps+e.bytes/bytesPerStep+len(e.moved) > maxSteps {
		return nil, false
	}
	return e.result(), true
}

// trace is what Edited needs of the walk that made a Result.
type trace struct {
	opts   Options
	steps  int
	visits []visit // each file entered, in the order entered
	docs   map[*sshconf.File]docState
}

// visit is one walk through a file.
type visit struct {
	doc      *Doc
	depth    int
	parent   int // the visit of the including file; -1 for a top-level file
	incLine  int // the line of that file's Include
	occStart int // the Occurrences recorded during the visit, nested ones included
	occEnd   int
	entry    State         // the block state the file's first lines take
	limit    State         // what its headers may set
	header   *sshconf.Line // the including file's header, the first lines'
}

// docState is a file as the walk read it: how many edits it had had, its
// lines and the bytes charged for it.
type docState struct{ edits, lines, bytes int }

// noteDoc records a file read (or supplied) and the bytes charged for it.
func (w *walker) noteDoc(f *sshconf.File, bytes int) {
	if w.trace != nil {
		w.trace.docs[f] = docState{edits: len(f.Edits()), lines: len(f.Lines), bytes: bytes}
	}
}

// enter records the walk entering a file, and returns what records it
// leaving.
func (w *walker) enter(doc *Doc, depth int, entry, limit State, header *sshconf.Line) func() {
	t := w.trace
	k := len(t.visits)
	t.visits = append(t.visits, visit{doc: doc, depth: depth, parent: w.visit, incLine: w.incLine,
		occStart: len(w.res.Occurrences), entry: entry, limit: limit, header: header})
	outer := w.visit
	w.visit = k
	return func() {
		t.visits[k].occEnd = len(w.res.Occurrences)
		w.visit = outer
	}
}

// sameQuery reports whether o asks what the traced evaluation answered.
func (t *trace) sameQuery(o *Options) bool {
	a := &t.opts
	return o.Skip == nil && !o.Dialect.Server && a.Dialect == o.Dialect && a.FS == o.FS && a.Home == o.Home &&
		slices.Equal(a.Files, o.Files) && a.Host == o.Host && a.User == o.User && a.LocalUser == o.LocalUser &&
		slices.Equal(a.Keys, o.Keys) && a.NoProblems == o.NoProblems && a.LocalHost == o.LocalHost && a.UID == o.UID
}

// reported reports whether a problem or incompleteness of r is in the
// file at path: its line number may move.
func (t *trace) reported(r *Result, path string) bool {
	in := func(ps []Problem) bool {
		return slices.ContainsFunc(ps, func(p Problem) bool { return p.Pos == path || strings.HasPrefix(p.Pos, path+":") })
	}
	return in(r.Problems) || in(r.Incomplete)
}

// lineMap is how a file's lines moved since a walk: the runs of lines
// kept, where they are now, and the lines that are new (inserted or
// rewritten) and gone.
type lineMap struct {
	kept    []run
	fresh   []freshLine // ascending
	removed []*sshconf.Line
	isFresh map[int]bool
	rewrote map[int]freshLine // old index -> what it became, of the lines rewritten
}

type run struct{ old, now, n int }

// freshLine is a line that is new at index at; was is the line it
// rewrote (nil for an inserted line).
type freshLine struct {
	at  int
	was *sshconf.Line
}

// index returns where old line j is now (rewritten or not), or -1 when it
// is gone.
func (m *lineMap) index(j int) int {
	k := sort.Search(len(m.kept), func(k int) bool { return m.kept[k].old+m.kept[k].n > j })
	if k < len(m.kept) && m.kept[k].old <= j {
		return m.kept[k].now + j - m.kept[k].old
	}
	if fl, ok := m.rewrote[j]; ok {
		return fl.at
	}
	return -1
}

// mapLines replays edits on a file of n lines, which has now lines; ok is
// false when the edits do not add up to it (lines changed by other means).
func mapLines(n int, edits []sshconf.Edit, now int) (*lineMap, bool) {
	// The file as pieces: runs of old lines, or a new line each.
	type piece struct {
		old, n int // old == -1: new lines
		was    *sshconf.Line
		wasAt  int
	}
	pieces := []piece{{old: 0, n: n}}
	if n == 0 {
		pieces = nil
	}
	// split cuts the pieces at line index at, returning the piece that
	// starts there (len(pieces) at the end).
	split := func(at int) (int, bool) {
		pos := 0
		for k := range pieces {
			if at == pos {
				return k, true
			}
			if at < pos+pieces[k].n {
				p := pieces[k]
				cut := at - pos
				first, second := p, p
				first.n, second.n = cut, p.n-cut
				if p.old >= 0 {
					second.old = p.old + cut
				}
				pieces = slices.Insert(pieces, k+1, second)
				pieces[k] = first
				return k + 1, true
			}
			pos += pieces[k].n
		}
		return len(pieces), at == pos
	}
	m := &lineMap{isFresh: map[int]bool{}, rewrote: map[int]freshLine{}}
	for _, e := range edits {
		k, ok := split(e.At)
		if !ok {
			return nil, false
		}
		if e.Added > 0 {
			pieces = slices.Insert(pieces, k, piece{old: -1, n: e.Added})
			continue
		}
		if _, ok := split(e.At + 1); !ok || k >= len(pieces) || e.Added < -1 {
			return nil, false
		}
		p := pieces[k]
		switch {
		case e.Added == -1 && p.old >= 0:
			m.removed = append(m.removed, e.Old)
		case e.Added == -1 && p.was != nil: // a line rewritten, then removed
			m.removed = append(m.removed, p.was)
		case p.old >= 0: // rewritten
			pieces[k] = piece{old: -1, n: 1, was: e.Old, wasAt: p.old}
		}
		if e.Added == -1 {
			pieces = slices.Delete(pieces, k, k+1)
		}
	}
	at := 0
	for _, p := range pieces {
		if p.old >= 0 {
			m.kept = append(m.kept, run{old: p.old, now: at, n: p.n})
		} else {
			for j := range p.n {
				m.fresh = append(m.fresh, freshLine{at: at + j, was: p.was})
				m.isFresh[at+j] = true
			}
			if p.was != nil {
				m.rewrote[p.wasAt] = freshLine{at: at, was: p.was}
			}
		}
		at += p.n
	}
	return m, at == now
}

// edited builds the Result of Edited.
type edited struct {
	r     *Result
	t     *trace
	opts  *Options
	moved map[*Doc]*lineMap
	// renamed maps a rewritten line that reads the same to its new self.
	renamed map[*sshconf.Line]*sshconf.Line
	added   []addedOcc
	steps   int // directives added, less those removed
	bytes   int // bytes added, less those removed
	docOf   *Doc
}

// addedOcc is a new directive's occurrence, to go before r's occurrence
// slot.
type addedOcc struct {
	slot int
	o    Occurrence
}

// inert reports whether l is a directive no Host or Match line reads and
// that OpenSSH accepts: adding or removing one changes nothing else.
func inert(l *sshconf.Line) bool {
	if l.Kind != sshconf.Directive || l.Err() != nil {
		return false
	}
	k := strings.ToLower(l.Key())
	return k == "serveraliveinterval" || k == "serveralivecountmax"
}

// sameLine reports whether two lines read the same to the walk.
func sameLine(a, b *sshconf.Line) bool {
	if a.Kind != sshconf.Directive || b.Kind != sshconf.Directive {
		return a.Kind != sshconf.Directive && b.Kind != sshconf.Directive
	}
	ea, eb := a.Err(), b.Err()
	return a.Key() == b.Key() && slices.Equal(a.Args(), b.Args()) && (ea == nil) == (eb == nil) && (ea == nil || ea.Error() == eb.Error())
}

// boundary says whether the walk takes line l as a block header, as
// walker.file does: a Host or Match line, also one OpenSSH refuses.
func (e *edited) boundary(l *sshconf.Line) bool {
	if l.Kind != sshconf.Directive {
		return false
	}
	if l.Err() != nil {
		return l.Is("Match") || l.Is("Host")
	}
	k := e.opts.Dialect.Canon(l.Key())
	return k == "host" || k == "match"
}

// check validates the edits of doc d (lines moved as m, walked once as
// visit v, number vi) and places the directives they add.
func (e *edited) check(d *Doc, m *lineMap, v visit, vi int) bool {
	lines := d.File.Lines
	for _, l := range m.removed {
		if l.Kind == sshconf.Directive && !inert(l) {
			return false
		}
		e.bytes -= len(l.Raw)
		if l.Kind == sshconf.Directive {
			e.steps--
		}
	}
	// Rewrites first: a line that reads the same, or a keep-alive that
	// keeps its keyword (a new value), stays the occurrence it was; any
	// other is one line gone and one added.
	var added []int
	for _, fl := range m.fresh {
		l := lines[fl.at]
		if fl.was != nil {
			e.bytes += len(l.Raw) - len(fl.was.Raw)
			if sameLine(fl.was, l) || inert(fl.was) && inert(l) && e.canon(fl.was) == e.canon(l) {
				e.renamed[fl.was] = l
				delete(m.isFresh, fl.at) // the line the walk read, for openBlock
				continue
			}
			if fl.was.Kind == sshconf.Directive {
				if !inert(fl.was) {
					return false
				}
				e.steps--
			}
		} else {
			e.bytes += len(l.Raw)
		}
		if l.Kind == sshconf.Directive {
			e.steps++
			added = append(added, fl.at)
		}
	}
	for _, at := range added {
		l := lines[at]
		if e.boundary(l) {
			if !e.openBlock(d, m, at) {
				return false
			}
			continue
		}
		if !inert(l) {
			return false
		}
		key := e.canon(l)
		if e.opts.Keys != nil && !slices.ContainsFunc(e.opts.Keys, func(k string) bool { return e.opts.Dialect.Canon(k) == key }) {
			continue
		}
		if e.docOf != nil && e.docOf != d {
			return false // added directives in two files: their order is not worked out here
		}
		e.docOf = d
		st, hdr, ok := e.stateAt(d, at, v)
		if !ok {
			return false
		}
		e.added = append(e.added, addedOcc{slot: e.slot(d, m, at, v, vi), o: Occurrence{
			Index: at, Key: key, State: st, Pass: 1, Header: hdr, Depth: uint8(v.depth),
		}})
	}
	return true
}

// canon is a directive's keyword as the walk looks it up.
func (e *edited) canon(l *sshconf.Line) string { return e.opts.Dialect.Canon(l.Key()) }

// kept reports whether r's occurrence of old line j of a file edited as m
// is still one: the line is there, unchanged or reading the same.
func (e *edited) kept(m *lineMap, j int) (int, bool) {
	at := m.index(j)
	if at < 0 {
		return -1, false
	}
	if fl, rewritten := m.rewrote[j]; rewritten {
		if _, same := e.renamed[fl.was]; !same {
			return -1, false
		}
	}
	return at, true
}

// openBlock reports whether the new header at index at of d is a client
// Host line OpenSSH accepts whose block holds only new inert lines.
func (e *edited) openBlock(d *Doc, m *lineMap, at int) bool {
	lines := d.File.Lines
	h := lines[at]
	if h.Err() != nil || e.opts.Dialect.Canon(h.Key()) != "host" {
		return false
	}
	for j := at + 1; j < len(lines) && !e.boundary(lines[j]); j++ {
		if lines[j].Kind == sshconf.Directive && (!m.isFresh[j] || !inert(lines[j])) {
			return false
		}
	}
	return true
}

// stateAt returns the state and header the walk gives a directive at
// index at of d, from the header above it (walker.file's rules).
func (e *edited) stateAt(d *Doc, at int, v visit) (State, *sshconf.Line, bool) {
	lines := d.File.Lines
	for j := at - 1; j >= 0; j-- {
		l := lines[j]
		if !e.boundary(l) {
			continue
		}
		if l.Err() != nil {
			return Inactive, l, true
		}
		if e.opts.Dialect.Canon(l.Key()) != "host" {
			return 0, nil, false // a Match block: its state depends on the walk
		}
		return min(v.limit, stateOf(matchHost(e.opts.Host, l))), l, true
	}
	return v.entry, v.header, true
}

// slot returns the index of r's first occurrence that the walk meets
// after line at of d (walked as visit v, number vi): one in d itself
// after it, or in a file d includes further down.
func (e *edited) slot(d *Doc, m *lineMap, at int, v visit, vi int) int {
	occ := e.r.Occurrences
	for k := v.occStart; k < v.occEnd; k++ {
		o := occ[k]
		var j int
		if o.Doc == d && int(o.Depth) == v.depth {
			var ok bool
			if j, ok = e.kept(m, o.Index); !ok {
				continue // gone
			}
		} else if j = m.index(e.includeOf(vi, k)); j < 0 {
			return k // the Include cannot be gone: it is not inert
		}
		if j > at {
			return k
		}
	}
	return v.occEnd
}

// includeOf returns the line of visit vi's file whose Include brought in
// occurrence k (recorded in a nested visit).
func (e *edited) includeOf(vi, k int) int {
	for _, c := range e.t.visits {
		if c.parent == vi && c.occStart <= k && k < c.occEnd {
			return c.incLine
		}
	}
	return -1
}

// result merges r's occurrences, moved, with the added ones.
func (e *edited) result() *Result {
	r := e.r
	out := &Result{
		Problems:      slices.Clone(r.Problems),
		Incomplete:    slices.Clone(r.Incomplete),
		HostDependent: r.HostDependent,
		Version:       r.Version,
		server:        r.server,
	}
	// Files supplied through Override come back as new Docs without Text.
	docs := map[*Doc]*Doc{}
	for _, d := range r.Docs {
		nd := &Doc{Path: d.Path, File: d.File}
		docs[d] = nd
		out.Docs = append(out.Docs, nd)
	}
	sort.SliceStable(e.added, func(a, b int) bool {
		if e.added[a].slot != e.added[b].slot {
			return e.added[a].slot < e.added[b].slot
		}
		return e.added[a].o.Index < e.added[b].o.Index
	})
	header := func(h *sshconf.Line) *sshconf.Line {
		if n, ok := e.renamed[h]; ok {
			return n
		}
		return h
	}
	out.Occurrences = make([]Occurrence, 0, len(r.Occurrences)+len(e.added))
	a := 0
	for k := 0; k <= len(r.Occurrences); k++ {
		for ; a < len(e.added) && e.added[a].slot == k; a++ {
			o := e.added[a].o
			o.Doc, o.Header = docs[e.docOf], header(o.Header)
			out.Occurrences = append(out.Occurrences, o)
		}
		if k == len(r.Occurrences) {
			break
		}
		o := r.Occurrences[k]
		if m := e.moved[o.Doc]; m != nil {
			j, ok := e.kept(m, o.Index)
			if !ok {
				continue // gone
			}
			o.Index = j
		}
		o.Doc, o.Header = docs[o.Doc], header(o.Header)
		out.Occurrences = append(out.Occurrences, o)
	}
	return out
}

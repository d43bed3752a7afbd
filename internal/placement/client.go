package placement

import (
	"fmt"
	"slices"
	"sort"

	"github.com/keepalive-ssh/keepalive/internal/resolve"
	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// Enable sets each setting for the scope in the client configuration: an
// effective directive the scope owns is updated in place (in whichever file
// it lives, under whatever alias); otherwise the directive is inserted next
// to a sibling just placed, else in the scope's block, created if needed.
//
// A host's new block goes before the file's first block. When lines ahead
// of every block (typically an Include of config.d/* holding a Host *)
// still shadow it, the block goes above those lines instead, and a
// "Match all" after it keeps them applying to every host.
func Enable(s Scope, settings []Setting) *Plan {
	p := enable(s, settings, false, false)
	if len(p.Shadowed) > 0 && !s.general() {
		// The host's existing block comes after a general one that sets
		// the value first: a new block ahead of every block.
		if q := enable(s, settings, true, false); len(q.Shadowed) == 0 {
			return q
		}
		if q := enableAboveLeading(s, settings); q != nil && len(q.Shadowed) == 0 {
			return q
		}
	}
	return p
}

func (s *Scope) general() bool { return s.Host == "" || s.Host == "*" }

// enableAboveLeading puts the host's block above the leading lines of the
// main file (after its opening comments) and "Match all" after it, or
// returns nil when the file has no leading directives to go above.
func enableAboveLeading(s Scope, settings []Setting) *Plan {
	s.Opts.Host = ProbeHost(s.Host)
	s.Opts.Keys = keysOf(settings)
	p := newPlan(&s)
	f := p.Files[s.Main()]
	at := -1
	for i, l := range f.Lines {
		if l.Kind == sshconf.Directive {
			at = i
			break
		}
	}
	if at < 0 || sshconf.IsHeader(f.Lines[at]) || (at == 0 && f.HasBOM()) {
		return nil
	}
	before := p.unedited
	if before == nil {
		before = p.evaluate(&s)
	}
	// As in enable: without a flag, a value in effect stays.
	var applied []Setting
	for k, set := range settings {
		if set.Default {
			if o, ok := before.Effective(s.Opts.Dialect.Canon(set.Key)); ok && !(isInterval(set.Key) && isOff(o.Line().Value())) {
				if k == 0 {
					break // keep-alives are on already
				}
				continue
			}
		}
		applied = append(applied, set)
	}
	if len(applied) == 0 {
		return nil
	}
	settings = applied
	st := f.StyleFor(sshconf.Block{Header: &sshconf.Line{}, Start: len(f.Lines), End: len(f.Lines)})
	i := insertMarked(f, at, "Host "+s.Host, Marker{})
	for _, set := range settings {
		i = insertMarked(f, i+1, st.Render(set.Key, set.Value), Marker{})
		was := ""
		if o, ok := before.Effective(s.Opts.Dialect.Canon(set.Key)); ok {
			was = o.Line().Value()
		}
		p.record(f, f.Lines[i], Change{Was: was})
	}
	insertMarked(f, i+1, "Match all", Marker{})
	r := p.evaluate(&s)
	p.checkResult(&s, settings, r)
	p.remarked = p.finish(r)
	p.settle(r, false, nil)
	return p
}

func keysOf(settings []Setting) []string {
	var keys []string
	for _, set := range settings {
		keys = append(keys, set.Key)
	}
	return keys
}

// enable places the settings; newBlock ignores an existing block for the
// host and makes one ahead of every block. eager evaluates the trees
// again after each edit (see found).
func enable(s Scope, settings []Setting, newBlock, eager bool) *Plan {
	scope := s
	s.Opts.Host = ProbeHost(s.Host)
	s.Opts.Keys = keysOf(settings) // a large config has many other keys
	p := newPlan(&s)
	// r is the evaluation of the trees as they are now: taken again after
	// each edit, and only then; nil when an edit made it stale. Between
	// inserts, later settings' directives are taken from before (see
	// found) rather than from an evaluation of their own.
	r := p.unedited
	var before map[string]found
	skipped := false
	var sibling *placed
	keptFirst := false
	var applied []Setting // the settings not kept as they were
	for k, set := range settings {
		key := s.Opts.Dialect.Canon(set.Key)
		var eff resolve.Occurrence
		var ok bool
		if fd, has := before[key]; r == nil && has && fd.relocate() {
			eff, ok, skipped = fd.o, fd.ok, true
		} else {
			if r == nil {
				r = p.evaluate(&s)
			}
			eff, ok = r.Effective(key)
		}
		if set.Default {
			if ok && !(isInterval(key) && isOff(eff.Line().Value())) {
				if eff.Line().Value() != set.Value { // else simply already set
					p.keptAt(eff, KeptInEffect)
				}
				if k == 0 {
					keptFirst = true
				}
				if s.ownsLine(eff) {
					sibling = &placed{eff.Doc.File, eff.Line()}
				}
				continue
			}
			if keptFirst {
				continue // keep-alives are on already: the rest stays as it is
			}
		}
		applied = append(applied, set)
		was := ""
		if ok {
			was = eff.Line().Value()
		}
		if ok && s.ownsLine(eff) {
			f := eff.Doc.File
			i := eff.Index
			if eff.Line().Value() != set.Value {
				i = setMarked(f, i, set.Value)
				p.record(f, f.Lines[i], Change{Was: was})
				r, before = nil, nil
			}
			sibling = &placed{f, f.Lines[i]}
			continue
		}
		switch {
		case eager || !keepAliveKey(key):
			before = nil
		case r != nil: // what the later settings find now
			before = map[string]found{}
			for _, later := range settings[k+1:] {
				lk := s.Opts.Dialect.Canon(later.Key)
				fd := found{}
				if fd.o, fd.ok = r.Effective(lk); fd.ok {
					fd.l = fd.o.Line()
				}
				before[lk] = fd
			}
		}
		delete(before, key) // a later setting of this key may find this line
		f, at := s.insertPoint(p, sibling, newBlock)
		b := f.BlockOf(max(at-1, 0))
		if at == 0 {
			at = s.newBlock(p, f)
			b = f.BlockOf(at - 1)
		}
		i := insertMarked(f, at, f.StyleFor(b).Render(set.Key, set.Value), Marker{})
		p.record(f, f.Lines[i], Change{Was: was})
		sibling = &placed{f, f.Lines[i]}
		r = nil
		if before == nil {
			r = p.evaluate(&s)
		}
	}
	if r == nil {
		r = p.evaluate(&s)
	}
	if skipped && r.Stopped != nil {
		// The evaluations skipped might have stopped earlier: made again,
		// as they would have.
		return enable(scope, settings, newBlock, true)
	}
	p.checkResult(&s, applied, r)
	if s.general() && len(p.Shadowed) == 0 {
		p.pinned(&s, r)
	}
	p.remarked = p.finish(r)
	p.settle(r, false, nil)
	return p
}

// found is the directive an evaluation found in effect for a key (ok
// false: none), with its line, kept across inserts so that the next
// setting needs no evaluation of its own. That holds because what enable
// inserts (a keep-alive directive, which no Host or Match line reads, its
// marker, and a header with no directive after it in its block: "Host *"
// at the end of the file, "Host P" above the first block's comments)
// changes no other keyword's evaluation; the directive found has only
// moved down by the lines inserted above it. An evaluation after the
// last edit is always made: if it stopped (Include loops), the skipped
// ones might have stopped before, and the plan is made again evaluating
// after each edit.
type found struct {
	o  resolve.Occurrence
	l  *sshconf.Line
	ok bool
}

// relocate finds the line again after inserts, and reports false when it
// is gone (Insert re-parses a last line that gains a line ending).
func (fd *found) relocate() bool {
	if !fd.ok {
		return true
	}
	lines := fd.o.Doc.File.Lines
	for j := fd.o.Index; j < len(lines); j++ {
		if lines[j] == fd.l {
			fd.o.Index = j
			return true
		}
	}
	return false
}

// keepAliveKey reports whether a canonical keyword is one enable sets for
// the client, which the evaluation of Host and Match lines never reads.
func keepAliveKey(key string) bool {
	return key == "serveraliveinterval" || key == "serveralivecountmax"
}

// placed is a line an edit wrote or kept, by identity: indices move as
// lines are inserted above it.
type placed struct {
	f *sshconf.File
	l *sshconf.Line
}

// pinned records the hosts whose own keep-alive lines come before the
// general values in r, which they therefore override for those hosts.
func (p *Plan) pinned(s *Scope, r *resolve.Result) {
	seen := map[*sshconf.Line]bool{}
	for _, key := range s.Opts.Keys {
		canon := s.Opts.Dialect.Canon(key)
		eff, ok := r.Effective(canon)
		for _, o := range r.Occurrences {
			if ok && o.Doc == eff.Doc && o.Index == eff.Index && o.Pass == eff.Pass {
				break
			}
			if o.Key != canon || o.State == resolve.Active || o.Header == nil || sshconf.IsHostAll(o.Header) || seen[o.Header] {
				continue
			}
			seen[o.Header] = true
			if len(p.Pinned) == cap(p.Pinned) {
				// Doubled: append grows a long list by a quarter, leaving
				// four times it behind (a fleet where every host has its
				// own value pins 100,000).
				p.Pinned = slices.Grow(p.Pinned, len(p.Pinned)+1)
			}
			p.Pinned = append(p.Pinned, Pinned{header: o.Header, line: o.Line(), path: o.Doc.Path, index: o.Index})
		}
	}
}

// insertPoint returns where a new directive goes, before a block is
// considered: after the sibling just placed, or after the last directive of
// the scope's block in the main file. at == 0 means no block fits.
func (s *Scope) insertPoint(p *Plan, sibling *placed, newBlock bool) (*sshconf.File, int) {
	if sibling != nil {
		if i := lineIndex(sibling.f, sibling.l); i >= 0 {
			return sibling.f, i + 1
		}
	}
	f := p.Files[s.Main()]
	if s.Host == "" || s.Host == "*" {
		last := f.BlockOf(len(f.Lines) - 1) // the zero (leading) block of an empty file
		if last.Header != nil && sshconf.IsHostAll(last.Header) && reusable(last) {
			return f, f.LastDirective(last) + 1
		}
		return f, 0
	}
	if newBlock {
		return f, 0
	}
	for i := nextHeader(f, 0); i >= 0; i = nextHeader(f, i+1) {
		if h := f.Lines[i]; h.Is("Host") && h.NArg() == 1 && h.Arg0() == s.Host {
			if b := f.BlockOf(i); reusable(b) {
				return f, f.LastDirective(b) + 1
			}
		}
	}
	return f, 0
}

// nextHeader returns the index of the first block header of f from line i
// on, or -1: the blocks one by one, without listing them all (a generated
// config has a hundred thousand).
func nextHeader(f *sshconf.File, i int) int {
	for ; i < len(f.Lines); i++ {
		if sshconf.IsHeader(f.Lines[i]) {
			return i
		}
	}
	return -1
}

// reusable reports whether new lines may go into an existing block. A
// block that is nothing but its header is left alone: disable --all
// removes a header whose block it empties, and must not remove one that
// was there before enable.
func reusable(b sshconf.Block) bool { return b.End-b.Start > 1 }

// newBlock adds the scope's block to f and returns the index after its
// header: "Host *" at the end for the default scope (general settings
// belong last, as first value wins), "Host P" before the first block for a
// single host so that it comes before any general block, above the
// comment lines directly attached to that block. Where the file separates
// blocks with blank lines, so does the new block.
func (s *Scope) newBlock(p *Plan, f *sshconf.File) int {
	header := "Host " + s.Host
	blank := usesBlankLines(f)
	if s.general() {
		at := len(f.Lines)
		m := Marker{}
		if blank && at > 0 && f.Lines[at-1].Kind != sshconf.Blank {
			f.Insert(at, "")
			at++
			m.BlankAbove = true
		}
		return insertMarked(f, at, "Host *", m) + 1
	}
	at := len(f.Lines)
	if first := nextHeader(f, 0); first >= 0 {
		at = attachedComments(f, first)
	}
	m := Marker{}
	if blank && at < len(f.Lines) {
		// A blank line between the new block and the comments and block
		// that follow, as between the file's other blocks.
		f.Insert(at, "")
		m.BlankAfter = true
	}
	return insertMarked(f, at, header, m) + 1
}

// attachedComments returns where the comment lines directly above line i
// (no blank line between) begin: a new block goes above them, so that they
// stay with the block they describe.
func attachedComments(f *sshconf.File, i int) int {
	for i > 0 && f.Lines[i-1].Kind == sshconf.Comment && !(i == 1 && createdByKeepalive(f)) {
		i--
	}
	return i
}

// usesBlankLines reports whether f separates a block from what precedes
// it with a blank line (above the block's comments, if any).
func usesBlankLines(f *sshconf.File) bool {
	for i := nextHeader(f, 0); i >= 0; i = nextHeader(f, i+1) {
		if at := attachedComments(f, i); at > 0 && f.Lines[at-1].Kind == sshconf.Blank {
			return true
		}
	}
	return false
}

// checkResult records what still overrides a new value in r, an
// evaluation of the plan's trees as they are now, and blocks that may
// apply.
func (p *Plan) checkResult(s *Scope, settings []Setting, r *resolve.Result) {
	for _, set := range settings {
		key := s.Opts.Dialect.Canon(set.Key)
		eff, ok := r.Effective(key)
		if !ok {
			continue
		}
		if eff.Line().Value() != set.Value {
			p.Shadowed = append(p.Shadowed, Shadow{Key: set.Key, By: eff})
			continue
		}
		for _, o := range r.All(key, resolve.Maybe) {
			if o.Pass == eff.Pass && before(r, o, eff) {
				p.MayApply = append(p.MayApply, o)
			}
		}
	}
}

// before reports whether a comes before b in evaluation order.
func before(r *resolve.Result, a, b resolve.Occurrence) bool {
	for _, o := range r.Occurrences {
		if o.Doc == a.Doc && o.Index == a.Index && o.Pass == a.Pass {
			return true
		}
		if o.Doc == b.Doc && o.Index == b.Index && o.Pass == b.Pass {
			return false
		}
	}
	return false
}

// Disable undoes what enable did in the scope: each keep-alive directive
// that applies to the scope and that keepalive added goes (with the block
// and blank line it added for it, once the block holds nothing else), each
// it changed gets its previous line back. Directives keepalive did not
// write, or that were edited since, stay and are listed in Kept.
func Disable(s Scope, keys []string) *Plan {
	return disableClient(s, keys, false)
}

// DisableAll removes every keep-alive directive that applies to the scope,
// whoever wrote it, with keepalive's markers and a block header left with
// no lines.
func DisableAll(s Scope, keys []string) *Plan {
	return disableClient(s, keys, true)
}

func disableClient(s Scope, keys []string, all bool) *Plan {
	s.Opts.Host = ProbeHost(s.Host)
	s.Opts.Keys = keys
	p := newPlan(&s)
	r := p.unedited
	if r == nil {
		r = p.resolve(&s)
	}
	var occ []resolve.Occurrence
	for _, key := range keys {
		for _, o := range r.All(s.Opts.Dialect.Canon(key), resolve.Active) {
			if s.ownsLine(o) {
				occ = append(occ, o)
			}
		}
	}
	p.undo(occ, all)
	p.remarked = p.finish(nil)
	// Every line undo takes out is a Change, but for the stale markers of
	// lines edited since (kept, KeptEdited).
	trims := len(p.Changes) > 0 || slices.ContainsFunc(p.Kept, func(k Kept) bool { return k.Why == KeptEdited })
	p.settle(r, trims, keys)
	return p
}

// undo takes out keepalive's edits of the directives occ (see Disable), or
// with all removes them whoever wrote them. Lines are handled from the end
// of each file, so that the indices of those still to do stay valid.
func (p *Plan) undo(occ []resolve.Occurrence, all bool) {
	sort.SliceStable(occ, func(a, b int) bool {
		if occ[a].Doc.Path != occ[b].Doc.Path {
			return occ[a].Doc.Path < occ[b].Doc.Path
		}
		if occ[a].Index != occ[b].Index {
			return occ[a].Index > occ[b].Index
		}
		return occ[a].Doc.File != nil && occ[b].Doc.File == nil
	})
	var kept []Kept
	for k, o := range occ {
		if k > 0 && occ[k-1].Doc == o.Doc && occ[k-1].Index == o.Index {
			continue // met in both passes
		}
		f, i, l := o.Doc.File, o.Index, o.Line()
		m, marked := markerOf(f, i)
		ours := marked && holds(f, i, m)
		block := blockName(f, i)
		if block == "" && o.Header != nil {
			block = sshconf.Header(o.Header)
		}
		c := Change{Key: l.Key(), Was: l.Value(), Path: o.Doc.Path, Block: block}
		switch {
		case ours && !m.Added && !all:
			f.Remove(i - 1)
			f.Replace(i-1, m.Was)
			c.Restored, c.Was, c.Value = true, l.Value(), f.Lines[i-1].Value()
			c.Key = f.Lines[i-1].Key()
		case ours || all:
			c.Removed, c.Others = true, !ours
			p.removeDirective(f, i, marked)
		default:
			why := KeptNotOurs
			if marked {
				why = KeptEdited
				f.Remove(i - 1) // the stale marker: the line is the user's now
				i--
			}
			kept = append(kept, Kept{Key: l.Key(), Value: l.Value(), Pos: fmt.Sprintf("%s:%d", o.Doc.Path, i+1), Why: why, file: f, line: l, path: o.Doc.Path})
			continue
		}
		p.Changes = append(p.Changes, c)
	}
	// In file order, as people read them.
	for k := len(kept) - 1; k >= 0; k-- {
		p.Kept = append(p.Kept, kept[k])
	}
	for a, b := 0, len(p.Changes)-1; a < b; a, b = a+1, b-1 {
		p.Changes[a], p.Changes[b] = p.Changes[b], p.Changes[a]
	}
}

// removeDirective removes directive i of f, and its marker when marked.
// A block left without directives goes too when keepalive added its
// header (with the blank line it added with it, and the "Match all" it
// added after a host block above the leading lines); with no marker, only
// a header left with no lines at all goes (as --all always did).
func (p *Plan) removeDirective(f *sshconf.File, i int, marked bool) {
	b := f.BlockOf(i)
	onlyLine := b.End-b.Start == 2 || (marked && b.End-b.Start == 3)
	f.Remove(i)
	if marked {
		f.Remove(i - 1)
	}
	if b.Header == nil {
		return
	}
	h := b.Start
	hm, hmarked := markerOf(f, h)
	if !hmarked || !hm.Added || !holds(f, h, hm) {
		if onlyLine {
			f.Remove(h)
		}
		return
	}
	if f.LastDirective(f.BlockOf(h)) != h {
		return // the block holds other directives
	}
	isHost := f.Lines[h].Is("Host")
	f.Remove(h)
	f.Remove(h - 1)
	at := h - 1
	if hm.BlankAbove && at > 0 && f.Lines[at-1].Kind == sshconf.Blank {
		f.Remove(at - 1)
		at--
	}
	if hm.BlankAfter && at < len(f.Lines) && f.Lines[at].Kind == sshconf.Blank {
		f.Remove(at)
	}
	// A host block that enable put above the leading lines is followed by
	// the "Match all" that kept them general; with the block gone, those
	// lines lead the file again and need no header.
	if isHost && at+1 < len(f.Lines) && f.Lines[at+1].Is("Match") && sshconf.IsHostAll(f.Lines[at+1]) && !directiveBefore(f, at) {
		if mm, ok := markerOf(f, at+1); ok && mm.Added && holds(f, at+1, mm) {
			f.Remove(at + 1)
			f.Remove(at)
		}
	}
}

func directiveBefore(f *sshconf.File, i int) bool {
	for _, l := range f.Lines[:i] {
		if l.Kind == sshconf.Directive {
			return true
		}
	}
	return false
}

package placement

import (
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
	p := enable(s, settings, false)
	if len(p.Shadowed) > 0 && !s.general() {
		// The host's existing block comes after a general one that sets
		// the value first: a new block ahead of every block.
		if q := enable(s, settings, true); len(q.Shadowed) == 0 {
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
	st := f.StyleFor(sshconf.Block{Header: &sshconf.Line{}, Start: len(f.Lines), End: len(f.Lines)})
	lines := []string{"Host " + s.Host}
	for _, set := range settings {
		lines = append(lines, st.Render(set.Key, set.Value))
	}
	f.Insert(at, append(lines, "Match all")...)
	p.checkResult(&s, settings, p.resolve(&s))
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
// host and makes one ahead of every block.
func enable(s Scope, settings []Setting, newBlock bool) *Plan {
	s.Opts.Host = ProbeHost(s.Host)
	s.Opts.Keys = keysOf(settings) // a large config has many other keys
	p := newPlan(&s)
	// r is always the evaluation of the trees as they are now: taken
	// again after each edit, and only then.
	r := p.unedited
	var sibling *resolve.Occurrence
	for _, set := range settings {
		if r == nil {
			r = p.resolve(&s)
		}
		key := s.Opts.Dialect.Canon(set.Key)
		if eff, ok := r.Effective(key); ok && s.ownsLine(eff) {
			if eff.Line().Value() != set.Value {
				eff.Doc.File.SetValue(eff.Index, set.Value)
				r = nil
			}
			sibling = &eff
			continue
		}
		f, at := s.insertPoint(p, sibling, newBlock)
		b := f.BlockOf(max(at-1, 0))
		if at == 0 {
			at = s.newBlock(p, f)
			b = f.BlockOf(at - 1)
		}
		f.Insert(at, f.StyleFor(b).Render(set.Key, set.Value))
		r = p.resolve(&s)
		if eff, ok := r.Effective(key); ok {
			sibling = &eff
		}
	}
	if r == nil {
		r = p.resolve(&s)
	}
	p.checkResult(&s, settings, r)
	return p
}

// insertPoint returns where a new directive goes, before a block is
// considered: after the sibling just placed, or after the last directive of
// the scope's block in the main file. at == 0 means no block fits.
func (s *Scope) insertPoint(p *Plan, sibling *resolve.Occurrence, newBlock bool) (*sshconf.File, int) {
	if sibling != nil {
		return sibling.Doc.File, sibling.Index + 1
	}
	f := p.Files[s.Main()]
	if s.Host == "" || s.Host == "*" {
		last := f.BlockOf(len(f.Lines) - 1) // the zero (leading) block of an empty file
		if last.Header != nil && sshconf.IsHostAll(last.Header) && reusable(last) {
			return f, f.LastDirective(last) + 1
		}
		return f, 0
	}
	for _, b := range f.Blocks() {
		if h := b.Header; !newBlock && h != nil && h.Is("Host") && len(h.Args) == 1 && h.Args[0] == s.Host && reusable(b) {
			return f, f.LastDirective(b) + 1
		}
	}
	return f, 0
}

// reusable reports whether new lines may go into an existing block. A
// block that is nothing but its header is left alone: disable removes a
// header whose block it empties, and must not remove one that was there
// before enable.
func reusable(b sshconf.Block) bool { return b.End-b.Start > 1 }

// newBlock adds the scope's block to f and returns the index after its
// header: "Host *" at the end for the default scope (general settings
// belong last, as first value wins), "Host P" before the first block for a
// single host so that it comes before any general block.
func (s *Scope) newBlock(p *Plan, f *sshconf.File) int {
	header := "Host " + s.Host
	at := len(f.Lines)
	if s.Host == "" || s.Host == "*" {
		header = "Host *"
	} else if blocks := f.Blocks(); len(blocks) > 1 {
		at = blocks[1].Start
	}
	f.Insert(at, header)
	return at + 1
}

// check evaluates the edited configuration and records what still
// overrides a new value, and blocks that may apply.
func (p *Plan) check(s *Scope, settings []Setting) {
	p.checkResult(s, settings, p.resolve(s))
}

// checkResult is check with r, an evaluation of the plan's trees as they
// are now.
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

// Disable removes the scope's keep-alive directives: each effective one the
// scope owns, until none is left, and a block header left with no lines.
func Disable(s Scope, keys []string) *Plan {
	s.Opts.Host = ProbeHost(s.Host)
	s.Opts.Keys = keys
	p := newPlan(&s)
	r := p.unedited // as in Enable: evaluated again after each edit only
	for _, key := range keys {
		canon := s.Opts.Dialect.Canon(key)
		for range 64 { // bounded: each round removes one line
			if r == nil {
				r = p.resolve(&s)
			}
			eff, ok := r.Effective(canon)
			if !ok || !s.ownsLine(eff) {
				break
			}
			removeWithEmptyBlock(eff.Doc.File, eff.Index)
			r = nil
		}
	}
	return p
}

// removeWithEmptyBlock removes line i, and its block's header when the block
// is left with no lines at all.
func removeWithEmptyBlock(f *sshconf.File, i int) {
	b := f.BlockOf(i)
	f.Remove(i)
	if b.Header != nil && b.End-b.Start == 2 {
		f.Remove(b.Start)
		// A host block that enable put above the leading lines is followed
		// by the "Match all" that kept them general; with the block gone,
		// those lines lead the file again and need no header.
		if b.Header.Is("Host") && b.Start < len(f.Lines) && f.Lines[b.Start].Is("Match") && sshconf.IsHostAll(f.Lines[b.Start]) && !directiveBefore(f, b.Start) {
			f.Remove(b.Start)
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

package placement

import (
	"github.com/keepalive-ssh/keepalive/internal/resolve"
	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// Enable sets each setting for the scope in the client configuration: an
// effective directive the scope owns is updated in place (in whichever file
// it lives, under whatever alias); otherwise the directive is inserted next
// to a sibling just placed, else in the scope's block, created if needed.
func Enable(s Scope, settings []Setting) *Plan {
	s.Opts.Host = ProbeHost(s.Host)
	s.Opts.Keys = nil // only the keys being set: a large config has many others
	for _, set := range settings {
		s.Opts.Keys = append(s.Opts.Keys, set.Key)
	}
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
		f, at := s.insertPoint(p, sibling)
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
func (s *Scope) insertPoint(p *Plan, sibling *resolve.Occurrence) (*sshconf.File, int) {
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
		if h := b.Header; h != nil && h.Is("Host") && len(h.Args) == 1 && h.Args[0] == s.Host && reusable(b) {
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
	}
}

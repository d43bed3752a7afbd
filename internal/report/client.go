package report

import (
	"slices"
	"strings"

	"github.com/keepalive-ssh/keepalive/internal/placement"
	"github.com/keepalive-ssh/keepalive/internal/resolve"
	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// clientKeys are the client keywords show reports.
var clientKeys = keysOf(sshconf.Client)

func buildClient(r *Report, opts resolve.Options, probe, allHosts bool) *Client {
	// Only the keywords reported (and BatchMode, which changes the default
	// interval) are recorded: a generated config has many thousand others.
	opts.Keys = []string{"batchmode"}
	for _, k := range clientKeys {
		opts.Keys = append(opts.Keys, k.key)
	}
	res := resolve.Resolve(opts)
	c := &Client{Host: opts.Host, Probe: probe, Files: docPaths(res), Result: res}
	values := valuesOf(res, clientKeys)
	batch := valueOf(res, "batchmode", kindFlag, "no")
	if v := values["serveraliveinterval"]; v.occ == nil && batch.Value == "yes" && !batch.bad {
		// readconf.c fill_default_options: "in batch mode, default is 5mins".
		v.Value = BatchModeInterval
		values["serveraliveinterval"] = v
	}
	c.byKey = values
	c.ServerAliveInterval = values["serveraliveinterval"]
	c.ServerAliveCountMax = values["serveralivecountmax"]
	c.TCPKeepAlive = values["tcpkeepalive"]

	c.Rejected = fileWarnings(r, SectionClient, opts, res)
	for _, v := range []Value{c.ServerAliveInterval, c.ServerAliveCountMax, c.TCPKeepAlive} {
		if v.bad && c.Rejected == "" {
			c.Rejected = v.Source + ": " + directive(*v.occ) + ": an invalid value"
			r.Add(Error, SectionClient, "", "ssh rejects this config (%s): the values shown are what keepalive read, not values in effect", c.Rejected)
		}
	}
	who := "for host " + opts.Host
	if probe {
		who = "for hosts without a value of their own"
		r.Add(Info, SectionClient, "", "no --host given: the client values are for %s, a made-up host that only general blocks (Host *, Match all) match; use --host to see a particular host", opts.Host)
	}

	if c.ServerAliveInterval.occ == nil && batch.Value == "yes" {
		r.Add(Info, SectionClient, batch.Source, "BatchMode yes makes ssh's default ServerAliveInterval %d s instead of 0", BatchModeInterval)
	}

	var pos func(resolve.Occurrence) int // order(res), made when a line needs it
	reported := map[place]bool{}
	for _, k := range clientKeys {
		v := values[k.key]
		badValue(r, SectionClient, k.name, v, "ssh")
		aliasNote(r, SectionClient, opts.Dialect, v)
		if v.occ != nil {
			reported[placeOf(*v.occ)] = true
		}
		// Lines that apply to the host but come after the winner.
		for _, o := range uniq(res.All(k.key, resolve.Active)) {
			if v.occ == nil || placeOf(o) == placeOf(*v.occ) {
				continue
			}
			reported[placeOf(o)] = true
			r.Add(Warning, SectionClient, o.Pos(), "%s is ignored %s: %s (%s) sets %s first, and ssh keeps the first value it obtains",
				directive(o), who, v.Source, blockName(v.occ.Header), directive(*v.occ))
		}
		// Blocks keepalive does not evaluate (Match exec, ...) before the
		// winner could win instead.
		for _, o := range uniq(res.All(k.key, resolve.Maybe)) {
			if pos == nil {
				pos = order(res)
			}
			if v.occ != nil && pos(o) > pos(*v.occ) {
				continue
			}
			reported[placeOf(o)] = true
			r.Add(Warning, SectionClient, o.Pos(), "%s is in %s, which keepalive does not evaluate (it never runs Match exec): if that block applies, this value wins over %s",
				directive(o), blockAt(res, o), sourceText(v))
		}
	}
	general, suspects := generalBlocks(res)
	if others := perHost(r, opts, res, reported, general, probe || allHosts); others > 0 {
		r.Add(Info, SectionClient, "", "%d keep-alive %s for hosts other than %s not shown; --all shows them", others, plural(others, "line", "lines"), opts.Host)
	}
	generalFirst(r, opts.Dialect, res, suspects)

	intervalWarnings(r, SectionClient, sshconf.ServerAliveInterval, c.ServerAliveInterval, who)
	if f, ok := c.TCPKeepAlive.Value.(string); ok && f == "no" && !c.TCPKeepAlive.bad {
		r.Add(Info, SectionClient, c.TCPKeepAlive.Source, "TCPKeepAlive is off %s: only ServerAliveInterval notices a dead server", who)
	}
	return c
}

// perHost explains keep-alive values set for particular hosts: each
// overrides the general value for its hosts, unless a general block read
// earlier sets the keyword first; then it never takes effect. Without all
// it only counts them, and returns the count: every line that applies to
// the host asked for is reported already.
// general holds the general headers of the reported keywords' lines
// (generalBlocks).
func perHost(r *Report, opts resolve.Options, res *resolve.Result, reported map[place]bool, general map[*sshconf.Line]bool, all bool) (others int) {
	generalHere := func(h *sshconf.Line) bool { return h == nil || general[h] } // isGeneral of their headers
	if !all {
		// Only the count: each line of a reported keyword once, in one
		// pass (a line has one keyword), marked in a bit set per file (a
		// file read is one Doc, whose Path its places have).
		done := map[*resolve.Doc][]uint64{}
		mark := func(d *resolve.Doc, i int) bool { // false if marked already
			bits := done[d]
			if bits == nil {
				bits = make([]uint64, (len(d.File.Lines)+63)/64)
				done[d] = bits
			}
			w, b := i/64, uint64(1)<<(i%64)
			if bits[w]&b != 0 {
				return false
			}
			bits[w] |= b
			return true
		}
		for p := range reported {
			if d := res.Doc(p.path); d != nil {
				mark(d, p.index)
			}
		}
		for i := range res.Occurrences {
			o := &res.Occurrences[i]
			if o.State == resolve.Maybe || !isClientKey(o.Key) || generalHere(o.Header) {
				continue
			}
			if mark(o.Doc, o.Index) {
				others++
			}
		}
		return others
	}
	// An evaluation is kept while lines of its host remain (uses: at
	// most that many): kept to the end, 50,000 hosts' evaluations would be
	// most of the run's memory.
	var probes map[string]*resolve.Result
	var uses map[string]int
	var parsed map[string]*sshconf.File // read once, evaluated for each host
	var skip *resolve.Skip
	evaluate := func(host string) *resolve.Result {
		if pr, ok := probes[host]; ok {
			if uses[host]--; uses[host] <= 0 {
				delete(probes, host)
			}
			return pr
		}
		if probes == nil { // the first evaluation
			probes, uses, parsed = map[string]*resolve.Result{}, map[string]int{}, map[string]*sshconf.File{}
			for path, f := range opts.Override {
				parsed[path] = f
			}
			for _, d := range res.Docs {
				parsed[d.Path] = d.File
			}
			// One index of the files' blocks for every host: each
			// evaluation then visits only the blocks that may apply to
			// its host.
			var hosts []string
			for _, o := range res.Occurrences {
				if h := hostFor(o.Header); h != "" && o.State != resolve.Maybe {
					hosts = append(hosts, h)
					uses[h]++
				}
			}
			skip = resolve.NewSkip(hosts...)
		}
		o := opts
		o.Host = host
		o.Override = parsed
		o.Skip = skip
		o.NoProblems = true // only its values are read: the problems are the first evaluation's
		pr := resolve.Resolve(o)
		if uses[host]--; uses[host] > 0 {
			probes[host] = pr
		}
		return pr
	}
	// At most a warning per line: room for them at once (appending one by
	// one would leave the earlier arrays behind, uncollected below 64 MiB).
	n := 0
	for _, o := range res.Occurrences {
		if o.State != resolve.Maybe && isClientKey(o.Key) && !generalHere(o.Header) && !reported[placeOf(o)] {
			n++
		}
	}
	r.Warnings = slices.Grow(r.Warnings, n)
	for _, k := range clientKeys {
		// Each line once, in evaluation order: reported has every line
		// explained so far.
		for i := range res.Occurrences {
			o := res.Occurrences[i]
			if o.Key != k.key || o.State == resolve.Maybe || generalHere(o.Header) || reported[placeOf(o)] {
				continue
			}
			reported[placeOf(o)] = true
			host := hostFor(o.Header)
			if host == "" {
				r.Add(Info, SectionClient, o.Pos(), "%s applies to hosts matching %s only, overriding the general value for them",
					directive(o), blockAt(res, o))
				continue
			}
			pr := evaluate(host)
			eff, ok := pr.Effective(k.key)
			switch {
			case ok && placeOf(eff) == placeOf(o):
				r.Add(Info, SectionClient, o.Pos(), "%s applies to hosts matching %s only, overriding the general value for them",
					directive(o), blockAt(res, o))
			case ok && activeIn(pr, o) && isGeneral(eff.Header):
				fix := "put general defaults (Host *) at the end of the file"
				if eff.Doc.Path != o.Doc.Path {
					fix = "a per-host value must come before it: move it above that line"
				}
				r.Add(Warning, SectionClient, o.Pos(), "%s for %s never takes effect: %s (%s) sets %s first for every host; %s",
					directive(o), blockName(o.Header), eff.Pos(), blockName(eff.Header), directive(eff), fix)
			case ok && activeIn(pr, o):
				r.Add(Info, SectionClient, o.Pos(), "%s for %s is overridden for %s by %s (%s), read earlier",
					directive(o), blockName(o.Header), host, eff.Pos(), blockName(eff.Header))
			default:
				r.Add(Info, SectionClient, o.Pos(), "%s applies to hosts matching %s only", directive(o), blockAt(res, o))
			}
		}
	}
	return others
}

// plural picks the word for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// activeIn reports whether the line of o applies in another evaluation.
func activeIn(res *resolve.Result, o resolve.Occurrence) bool {
	for _, x := range res.Occurrences {
		if placeOf(x) == placeOf(o) && x.State == resolve.Active {
			return true
		}
	}
	return false
}

// hostFor returns a host name a Host header matches, from its first
// pattern that is not negated; "" for a Match header.
func hostFor(h *sshconf.Line) string {
	if h == nil || !h.Is("Host") {
		return ""
	}
	for _, p := range h.Args() {
		if !strings.HasPrefix(p, "!") && p != "*" {
			return placement.ProbeHost(p)
		}
	}
	return ""
}

// generalFirst reports a general block (Host *, Match all) that sets
// keep-alives and comes before other blocks of its file: first value wins,
// so it overrides every later per-host value.
//
// Only the files suspects holds are looked at (generalBlocks).
func generalFirst(r *Report, d sshconf.Dialect, res *resolve.Result, suspects map[*resolve.Doc]bool) {
	for _, doc := range res.Docs {
		if !suspects[doc] || !generalThenOther(doc.File) {
			continue // nothing to report: listing its blocks is not needed
		}
		blocks := doc.File.Blocks()
		for bi, b := range blocks {
			if b.Header == nil || !isGeneral(b.Header) {
				continue
			}
			keys := map[string]bool{}
			var names []string
			for i := b.Start + 1; i < b.End; i++ {
				l := doc.File.Lines[i]
				if l.Kind != sshconf.Directive {
					continue
				}
				if k := d.Canon(l.Key()); isClientKey(k) && !keys[k] {
					keys[k] = true
					names = append(names, l.Key())
				}
			}
			if len(keys) == 0 {
				continue
			}
			later, laterSets := false, false
			for _, lb := range blocks[bi+1:] {
				if isGeneral(lb.Header) {
					continue
				}
				later = true
				for i := lb.Start + 1; i < lb.End; i++ {
					if l := doc.File.Lines[i]; l.Kind == sshconf.Directive && keys[d.Canon(l.Key())] {
						laterSets = true
					}
				}
			}
			if !later {
				continue
			}
			level := Info
			if laterSets {
				level = Warning
			}
			r.Add(level, SectionClient, headerPos(res, b.Header), "%s sets %s before other Host/Match blocks of the file: first value wins, so it overrides every later per-host value; general defaults belong at the end of the file",
				blockName(b.Header), strings.Join(names, ", "))
		}
	}
}

// generalBlocks finds, from the lines of the reported keywords (each
// evaluated line of them is an occurrence, whatever the state of its
// block), the general headers (isGeneral) of their blocks, and the files
// where such a line in a general block has another block after it: only
// there can generalFirst find something, so that a file is looked at line
// by line only from its first such line, or not at all. An evaluation that
// stopped early or skipped a line it could not tokenize (both leave a
// problem) may have left such a line without an occurrence: then every
// file is a suspect.
func generalBlocks(res *resolve.Result) (general map[*sshconf.Line]bool, suspects map[*resolve.Doc]bool) {
	general, suspects = map[*sshconf.Line]bool{}, map[*resolve.Doc]bool{}
	first := map[*resolve.Doc]int{} // the first line in a general block, by file
	for i := range res.Occurrences {
		o := &res.Occurrences[i]
		if o.Header == nil || !isClientKey(o.Key) {
			continue
		}
		g, seen := general[o.Header]
		if !seen {
			if g = isGeneral(o.Header); g {
				general[o.Header] = true
			}
		}
		if j, ok := first[o.Doc]; g && (!ok || o.Index < j) {
			first[o.Doc] = o.Index
		}
	}
	if res.Stopped != nil || len(res.Problems) > 0 {
		for _, d := range res.Docs {
			suspects[d] = true
		}
		return general, suspects
	}
	for d, j := range first {
		for _, l := range d.File.Lines[j+1:] {
			if isHeader(l) && !isGeneral(l) {
				suspects[d] = true
				break
			}
		}
	}
	return general, suspects
}

// isHeader is sshconf.IsHeader, ruling most lines out first: a header's
// keyword has 4 or 5 bytes ("Hoſt" folds to Host) and starts with h or m
// (of the bytes, only those fold to these letters).
func isHeader(l *sshconf.Line) bool {
	if l.Kind != sshconf.Directive {
		return false
	}
	k := l.Key()
	if len(k) != 4 && len(k) != 5 || k[0]|0x20 != 'h' && k[0]|0x20 != 'm' && k[0] < 0x80 {
		return false
	}
	return strings.EqualFold(k, "Host") || strings.EqualFold(k, "Match")
}

// generalThenOther reports whether a general block (isGeneral) comes
// before another block in f.
func generalThenOther(f *sshconf.File) bool {
	general := false
	for _, l := range f.Lines {
		if !isHeader(l) {
			continue
		}
		if isGeneral(l) {
			general = true
		} else if general {
			return true
		}
	}
	return false
}

// mayBeGeneral is false for a header whose first argument (arg0, ok false
// when none) rules out a general block by its first byte: '*' for Host,
// a or f for Match (no other byte folds to those letters).
func mayBeGeneral(arg0 string, ok bool) bool {
	if !ok || arg0 == "" {
		return false
	}
	c := arg0[0]
	return c == '*' || c|0x20 == 'a' || c|0x20 == 'f'
}

func isClientKey(k string) bool {
	for _, ck := range clientKeys {
		if ck.key == k {
			return true
		}
	}
	return false
}

package resolve

import (
	"slices"
	"sort"
	"strings"

	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// Skip indexes parsed files by block so that evaluating many hosts against
// the same files (show's per-host analysis) visits, for each host, only
// the blocks that could apply to it: a Host block whose patterns are all
// plain names applies only to those names, a "Match host" block with plain
// names only to those host names. Every other block is visited.
//
// An evaluation with Options.Skip set gives the same active occurrences
// (and so the same Effective values) as one without, charging the skipped
// lines to the step budget as if walked; what it leaves out are the
// inactive occurrences, and the problems, of the blocks it skips. Only
// callers that look at active occurrences may set it. One Skip serves any
// number of evaluations of the same (unedited) files, one at a time (it
// keeps what they share, and lends the next the last one's walker).
type Skip struct {
	hosts map[string]bool // the hosts indexed: any other is walked in full
	files map[*sshconf.File]*segments
	globs map[string]globResult         // Include patterns expanded, for every evaluation
	crits map[*sshconf.Line]parsedMatch // Match criteria, see walker.parseMatch
	keys  *keySet                       // the last evaluation's (see newKeySet)
	docs  map[string]*Doc               // the Override files' Docs, made once (see walker.load)
	sets  map[string]*fileSet           // Include patterns' files, see fileSet
	spare *walker                       // the last evaluation's, for the next (see newWalker)
}

// NewSkip returns an empty index for evaluating the given hosts; files
// are indexed when first evaluated. An evaluation for a host not listed
// skips nothing.
func NewSkip(hosts ...string) *Skip {
	sk := &Skip{hosts: map[string]bool{}, files: map[*sshconf.File]*segments{}, globs: map[string]globResult{},
		crits: map[*sshconf.Line]parsedMatch{}, docs: map[string]*Doc{}}
	for _, h := range hosts {
		sk.hosts[h] = true
	}
	return sk
}

// segments is one file's blocks: the lines before the first header, then
// one per Host or Match header.
type segments struct {
	start      []int  // first line of each segment
	directives []int  // directives before each segment's start, and in all at the end
	size       int    // bytes, as load charges them
	always     []int  // segments visited for every host, ascending
	host       chains // plain Host pattern -> segments
	match      chains // plain "Match host" name, lower case -> segments
	// Host patterns and "Match host" patterns (lower case) with a
	// wildcard, by their literal start or end.
	hostPat, matchPat patterns
}

// patterns indexes segments by the literal start or end of wildcard
// patterns: a host can only match "10.1.*" if it starts with "10.1.", and
// "*.example.com" if it ends with ".example.com". A fleet has a Match
// block for each subnet, say: without this index each host's evaluation
// visited all of them.
type patterns struct {
	prefix, suffix         map[string][]int32 // ascending segments
	prefixLens, suffixLens []int              // the lengths of their keys
}

// literalEnds returns the bytes of a pattern before its first wildcard
// and after its last.
func literalEnds(pat string) (prefix, suffix string) {
	i := strings.IndexAny(pat, "*?")
	if i < 0 {
		return pat, pat
	}
	j := strings.LastIndexAny(pat, "*?")
	return pat[:i], pat[j+1:]
}

// indexable reports whether a pattern can be indexed: plain, or with a
// literal start or end.
func indexable(pat string) bool {
	prefix, suffix := literalEnds(pat)
	return pat != "" && (prefix != "" || suffix != "")
}

// add indexes a wildcard pattern of segment seg by the longer of its
// literal ends (indexable says it has one).
func (p *patterns) add(pat string, seg int) {
	prefix, suffix := literalEnds(pat)
	m, lens, key := &p.prefix, &p.prefixLens, prefix
	if len(suffix) > len(prefix) {
		m, lens, key = &p.suffix, &p.suffixLens, suffix
	}
	if *m == nil {
		*m = map[string][]int32{}
	}
	segs := (*m)[key]
	if len(segs) > 0 && segs[len(segs)-1] == int32(seg) {
		return
	}
	(*m)[key] = append(segs, int32(seg))
	if !slices.Contains(*lens, len(key)) {
		*lens = append(*lens, len(key))
	}
}

// after returns the first segment after seg with a pattern whose literal
// start or end s has, or -1.
func (p *patterns) after(s string, seg int) int {
	best := -1
	first := func(segs []int32) {
		k := sort.Search(len(segs), func(k int) bool { return int(segs[k]) > seg })
		if k < len(segs) && (best < 0 || int(segs[k]) < best) {
			best = int(segs[k])
		}
	}
	for _, n := range p.prefixLens {
		if n <= len(s) {
			first(p.prefix[s[:n]])
		}
	}
	for _, n := range p.suffixLens {
		if n <= len(s) {
			first(p.suffix[s[len(s)-n:]])
		}
	}
	return best
}

// chains lists segments by name: most names have one segment, so a map to
// the first entry of a chain allocates far less than a map of slices.
type chains struct {
	first   map[string]int32
	entries []chainEntry
}

type chainEntry struct {
	seg, next, last int32 // next: entry index, -1 at the end; last: of the chain (valid in its first entry)
}

func (c *chains) add(key string, seg int) {
	if c.first == nil {
		c.first = map[string]int32{}
	}
	e := int32(len(c.entries))
	h, ok := c.first[key]
	if !ok {
		c.first[key] = e
		c.entries = append(c.entries, chainEntry{seg: int32(seg), next: -1, last: e})
		return
	}
	last := c.entries[h].last
	if c.entries[last].seg == int32(seg) {
		return
	}
	c.entries = append(c.entries, chainEntry{seg: int32(seg), next: -1})
	c.entries[last].next = e
	c.entries[h].last = e
}

// after returns the first segment of key's chain after seg, or -1.
func (c *chains) after(key string, seg int) int {
	e, ok := c.first[key]
	for ok && e >= 0 {
		if s := int(c.entries[e].seg); s > seg {
			return s
		}
		e = c.entries[e].next
	}
	return -1
}

func (s *Skip) of(f *sshconf.File) *segments {
	if sg, ok := s.files[f]; ok {
		return sg
	}
	sg := index(f, s.hosts)
	s.files[f] = sg
	return sg
}

func index(f *sshconf.File, hosts map[string]bool) *segments {
	// Sized once: slices grown by append leave their earlier arrays
	// behind, and a large fleet has a hundred thousand segments.
	headers := 1
	for _, l := range f.Lines {
		if sshconf.IsHeader(l) {
			headers++
		}
	}
	sg := &segments{start: make([]int, 0, headers), directives: make([]int, 0, headers+1)}
	n := 0
	seg := -1
	kind := 0 // of the open segment: 0 always, 1 host, 2 match
	var hdr *sshconf.Line
	closeSeg := func() {
		if seg < 0 {
			return
		}
		switch kind {
		case 1:
			args := hdr.Iter()
			for p, more := args.Next(); more; p, more = args.Next() {
				switch {
				case strings.HasPrefix(p, "!"):
				case strings.ContainsAny(p, "*?"):
					sg.hostPat.add(p, seg)
				case hosts[p]:
					sg.host.add(p, seg)
				}
			}
		case 2:
			for p := range strings.SplitSeq(matchHostList(hdr), ",") {
				switch p = strings.ToLower(p); {
				case strings.HasPrefix(p, "!"):
				case strings.ContainsAny(p, "*?"):
					sg.matchPat.add(p, seg)
				default:
					sg.match.add(p, seg)
				}
			}
		default:
			sg.always = append(sg.always, seg)
		}
	}
	for i, l := range f.Lines {
		sg.size += len(l.Raw)
		if i == 0 || sshconf.IsHeader(l) {
			closeSeg()
			seg++
			sg.start = append(sg.start, i)
			sg.directives = append(sg.directives, n)
			kind, hdr = 0, l
			if i > 0 || sshconf.IsHeader(l) {
				kind = plainHeader(l)
			}
		}
		if l.Kind == sshconf.Directive {
			n++
			if kind != 0 && (len(l.Key()) == 7 || nonASCII(l.Key())) && l.Is("Include") {
				kind = 0 // an Include is always walked: what it reads costs steps
			}
		}
	}
	closeSeg()
	sg.directives = append(sg.directives, n)
	return sg
}

// plainHeader classifies a header: 1 for a Host line whose patterns that
// are not negated are plain names or have a literal start or end (it
// applies to no host without one of them), 2 for a Match line with a
// "host" criterion of such patterns and otherwise criteria of one plain
// argument each (matchHostList), 0 for any other (visited for every
// host).
func plainHeader(l *sshconf.Line) int {
	if l.Err() != nil || l.NArg() == 0 {
		return 0
	}
	if l.Is("Host") {
		positive := false
		args := l.Iter()
		for p, more := args.Next(); more; p, more = args.Next() {
			if strings.HasPrefix(p, "!") {
				continue
			}
			if !indexable(p) {
				return 0
			}
			positive = true
		}
		if !positive {
			return 0
		}
		return 1
	}
	if l.Is("Match") && matchHostList(l) != "" {
		return 2
	}
	return 0
}

// oneArgCriteria are the client's Match criteria that take one argument
// and have no effect but their answer (exec runs a command; all,
// canonical and final take none and change the walk).
var oneArgCriteria = map[string]bool{
	"host": true, "originalhost": true, "user": true, "localuser": true, "localnetwork": true,
	"tagged": true, "command": true, "version": true, "sessiontype": true,
}

// matchHostList returns the patterns of a Match line's "host" criterion
// when the line applies only to host names matching one of them: every
// criterion is one of oneArgCriteria with a plain argument (no quote,
// '=' or escape: every release splits it the same way), the host
// criterion is not negated, and each of its patterns not negated is
// indexable. "" otherwise.
func matchHostList(l *sshconf.Line) string {
	if containsFold(l.Raw, "exec") || strings.ContainsAny(l.Raw, "\"'=\\") {
		return ""
	}
	args := l.Args()
	if len(args) == 0 || len(args)%2 != 0 {
		return ""
	}
	list := ""
	for k := 0; k < len(args); k += 2 {
		key := strings.ToLower(args[k])
		if !oneArgCriteria[strings.TrimPrefix(key, "!")] {
			return ""
		}
		if key != "host" || list != "" {
			continue
		}
		positive := false
		for p := range strings.SplitSeq(args[k+1], ",") {
			if strings.HasPrefix(p, "!") {
				if len(p) == 1 {
					return ""
				}
				continue
			}
			if !indexable(p) {
				return ""
			}
			positive = true
		}
		if positive {
			list = args[k+1]
		}
	}
	return list
}

// next returns the first segment after seg that may apply to a host
// matched as host by Host lines and as matchHost by "Match host"
// (len(start) when none).
func (sg *segments) next(seg int, host, matchHost string) int {
	best := len(sg.start)
	if k := sort.SearchInts(sg.always, seg+1); k < len(sg.always) {
		best = sg.always[k]
	}
	for _, s := range []int{sg.host.after(host, seg), sg.match.after(matchHost, seg),
		sg.hostPat.after(host, seg), sg.matchPat.after(matchHost, seg)} {
		if s >= 0 && s < best {
			best = s
		}
	}
	return best
}

func nonASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return true
		}
	}
	return false
}

// fileSet indexes the files an Include pattern expanded to, for skipping
// those that cannot apply to a host without entering each (a fleet split
// into a thousand files): by the plain names of their blocks, with the
// files that have blocks for every host (or not indexed: not supplied
// through Override) always visited.
type fileSet struct {
	always      []int            // files visited for every host, ascending
	host, match map[string][]int // plain Host name / "Match host" name -> files, ascending
	index       map[string]int   // path -> file
	bytes       []int            // each file's bytes, as load charges them
	cost        []int            // steps of walking files [0, k) whole, as if for the first time
	// overlaps says another pattern expanded to one of these files: its
	// bytes might have been charged through that one, so none is skipped.
	overlaps bool
}

// skippedFiles are files skipFiles skipped whole: set's [from, to).
type skippedFiles struct {
	set      *fileSet
	from, to int
}

// fileSet returns the index of the files pattern expanded to.
func (s *Skip) fileSet(pattern string, matches []string, override map[string]*sshconf.File) *fileSet {
	if fs, ok := s.sets[pattern]; ok {
		return fs
	}
	fs := &fileSet{host: map[string][]int{}, match: map[string][]int{}, index: map[string]int{},
		bytes: make([]int, len(matches)), cost: make([]int, len(matches)+1)}
	for k, m := range matches {
		fs.index[m] = k
		f := override[m]
		if f == nil {
			fs.always = append(fs.always, k)
			fs.cost[k+1] = fs.cost[k]
			continue
		}
		sg := s.of(f)
		fs.bytes[k] = sg.size
		fs.cost[k+1] = fs.cost[k] + fileCost + sg.size/bytesPerStep + sg.directives[len(sg.directives)-1]
		if len(sg.always) > 0 || sg.hostPat.prefix != nil || sg.hostPat.suffix != nil || sg.matchPat.prefix != nil || sg.matchPat.suffix != nil {
			fs.always = append(fs.always, k)
			continue
		}
		for name := range sg.host.first {
			fs.host[name] = append(fs.host[name], k)
		}
		for name := range sg.match.first {
			fs.match[name] = append(fs.match[name], k)
		}
	}
	if s.sets == nil {
		s.sets = map[string]*fileSet{}
	}
	for _, other := range s.sets {
		for path := range fs.index {
			if _, ok := other.index[path]; ok {
				fs.overlaps, other.overlaps = true, true
				break
			}
		}
	}
	s.sets[pattern] = fs
	return fs
}

// next returns the first file from k on that may apply to a host matched
// as host by Host lines and as matchHost by "Match host"; len when none.
func (fs *fileSet) next(k int, host, matchHost string) int {
	best := len(fs.bytes)
	for _, list := range [][]int{fs.always, fs.host[host], fs.match[matchHost]} {
		if i := sort.SearchInts(list, k); i < len(list) && list[i] < best {
			best = list[i]
		}
	}
	return best
}

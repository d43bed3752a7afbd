package resolve

import (
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
// number of evaluations of the same (unedited) files.
type Skip struct {
	hosts map[string]bool // the hosts indexed: any other is walked in full
	files map[*sshconf.File]*segments
	globs map[string]globResult         // Include patterns expanded, for every evaluation
	crits map[*sshconf.Line]parsedMatch // Match criteria, see walker.parseMatch
	// spellings are the keywords' spellings, as walker.spelling looks them up.
	spellings    map[string]*spelling
	spellingKeys string // the Options.Keys they were made for
	// keyList, keySet and quick are the last evaluation's Options.Keys,
	// canonical, and their quick test (see keySet).
	keyList []string
	keySet  map[string]bool
	quick   *quickKeys
}

// NewSkip returns an empty index for evaluating the given hosts; files
// are indexed when first evaluated. An evaluation for a host not listed
// skips nothing.
func NewSkip(hosts ...string) *Skip {
	sk := &Skip{hosts: map[string]bool{}, files: map[*sshconf.File]*segments{}, globs: map[string]globResult{}, crits: map[*sshconf.Line]parsedMatch{}}
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
				if hosts[p] && !strings.HasPrefix(p, "!") {
					sg.host.add(p, seg)
				}
			}
		case 2:
			for p := range strings.SplitSeq(hdr.Args()[1], ",") {
				sg.match.add(strings.ToLower(p), seg)
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
// are not negated are plain names (it applies to no other host), 2 for a
// "Match host a,b" line of plain names, 0 for any other (visited for every
// host).
func plainHeader(l *sshconf.Line) int {
	if l.Err() != nil || l.NArg() == 0 {
		return 0
	}
	if l.Is("Host") {
		plain := false
		args := l.Iter()
		for p, more := args.Next(); more; p, more = args.Next() {
			if strings.HasPrefix(p, "!") {
				continue
			}
			if p == "" || strings.ContainsAny(p, "*?") {
				return 0
			}
			plain = true
		}
		if !plain {
			return 0
		}
		return 1
	}
	if args := l.Args(); l.Is("Match") && len(args) == 2 && strings.EqualFold(args[0], "host") {
		arg := args[1]
		if arg == "" || strings.ContainsAny(arg, "*?!\"'\\= \t") || containsFold(l.Raw, "exec") || strings.ContainsAny(l.Raw, "\"'=") {
			return 0
		}
		for p := range strings.SplitSeq(arg, ",") {
			if p == "" {
				return 0
			}
		}
		return 2
	}
	return 0
}

// next returns the first segment after seg that may apply to a host
// matched as host by Host lines and as matchHost by "Match host"
// (len(start) when none).
func (sg *segments) next(seg int, host, matchHost string) int {
	best := len(sg.start)
	if k := sort.SearchInts(sg.always, seg+1); k < len(sg.always) {
		best = sg.always[k]
	}
	for _, s := range []int{sg.host.after(host, seg), sg.match.after(matchHost, seg)} {
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

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
	files map[*sshconf.File]*segments
}

// NewSkip returns an empty index; files are indexed when first evaluated.
func NewSkip() *Skip { return &Skip{files: map[*sshconf.File]*segments{}} }

// segments is one file's blocks: the lines before the first header, then
// one per Host or Match header.
type segments struct {
	start      []int // first line of each segment
	directives []int // directives before each segment's start, and in all at the end
	size       int   // bytes, as load charges them
	always     []int // segments visited for every host, ascending
	host       map[string][]int // plain Host pattern -> segments, ascending
	match      map[string][]int // plain "Match host" name, lower case -> segments
}

func (s *Skip) of(f *sshconf.File) *segments {
	if sg, ok := s.files[f]; ok {
		return sg
	}
	sg := index(f)
	s.files[f] = sg
	return sg
}

func index(f *sshconf.File) *segments {
	sg := &segments{host: map[string][]int{}, match: map[string][]int{}}
	n := 0
	seg := -1
	kind := 0 // of the open segment: 0 always, 1 host, 2 match
	var keys []string
	closeSeg := func() {
		if seg < 0 {
			return
		}
		switch kind {
		case 1:
			for _, k := range keys {
				sg.host[k] = appendOnce(sg.host[k], seg)
			}
		case 2:
			for _, k := range keys {
				sg.match[k] = appendOnce(sg.match[k], seg)
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
			kind, keys = 0, nil
			if i > 0 || sshconf.IsHeader(l) {
				kind, keys = plainHeader(l)
			}
		}
		if l.Kind == sshconf.Directive {
			n++
			if kind != 0 && l.Is("Include") {
				kind = 0 // an Include is always walked: what it reads costs steps
			}
		}
	}
	closeSeg()
	sg.directives = append(sg.directives, n)
	return sg
}

func appendOnce(s []int, seg int) []int {
	if len(s) > 0 && s[len(s)-1] == seg {
		return s
	}
	return append(s, seg)
}

// plainHeader classifies a header: 1 with the names of a Host line whose
// patterns that are not negated are plain names (it applies to no other
// host), 2 with the lower-case names of a "Match host a,b" line of plain
// names, 0 for any other (visited for every host).
func plainHeader(l *sshconf.Line) (int, []string) {
	if l.Err != nil || len(l.Args) == 0 {
		return 0, nil
	}
	if l.Is("Host") {
		var keys []string
		for _, p := range l.Args {
			if strings.HasPrefix(p, "!") {
				continue
			}
			if p == "" || strings.ContainsAny(p, "*?") {
				return 0, nil
			}
			keys = append(keys, p)
		}
		if keys == nil {
			return 0, nil
		}
		return 1, keys
	}
	if l.Is("Match") && len(l.Args) == 2 && strings.EqualFold(l.Args[0], "host") {
		arg := l.Args[1]
		if arg == "" || strings.ContainsAny(arg, "*?!\"'\\= \t") || containsFold(l.Raw, "exec") || strings.ContainsAny(l.Raw, "\"'=") {
			return 0, nil
		}
		var keys []string
		for _, p := range strings.Split(arg, ",") {
			if p == "" {
				return 0, nil
			}
			keys = append(keys, strings.ToLower(p))
		}
		return 2, keys
	}
	return 0, nil
}

// next returns the first segment after seg that may apply to a host
// matched as host by Host lines and as matchHost by "Match host"
// (len(start) when none).
func (sg *segments) next(seg int, host, matchHost string) int {
	best := len(sg.start)
	for _, list := range [][]int{sg.always, sg.host[host], sg.match[matchHost]} {
		k := sort.SearchInts(list, seg+1)
		if k < len(list) && list[k] < best {
			best = list[k]
		}
	}
	return best
}

// segmentAt returns the segment that starts at line i, or -1.
func (sg *segments) segmentAt(i int) int {
	k := sort.SearchInts(sg.start, i)
	if k < len(sg.start) && sg.start[k] == i {
		return k
	}
	return -1
}

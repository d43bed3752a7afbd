package resolve

import (
	"slices"
	"sort"
	"strings"

	"github.com/keepalive-ssh/keepalive/internal/passwd"
	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// hostName is the host ssh will connect to so far: HostName with %h
// expanded, else the host as typed.
func (w *walker) hostName() string {
	if hn, ok := w.vals["hostname"]; ok {
		if hn != w.hnIn || w.hnOut == "" {
			w.hnIn, w.hnOut = hn, expandHost(hn, w.opts.Host)+"\x00" // never "": set
		}
		return w.hnOut[:len(w.hnOut)-1]
	}
	return w.opts.Host
}

// hostForHostLine is what "Host" patterns are matched against: the host as
// typed, or in the final pass the host name ssh resolved.
func (w *walker) hostForHostLine() string {
	if w.pass == 2 {
		return w.finalHost
	}
	return w.opts.Host
}

// expandHost expands the %h and %% tokens OpenSSH allows in HostName.
func expandHost(v, host string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '%' && i+1 < len(v) {
			switch v[i+1] {
			case 'h':
				b.WriteString(host)
				i++
				continue
			case '%':
				b.WriteByte('%')
				i++
				continue
			}
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

// match evaluates a Match line. All criteria must hold; a criterion
// keepalive cannot or will not evaluate (exec runs a command, localnetwork
// needs the interfaces) makes the block Maybe. A line OpenSSH refuses is a
// problem, and its block does not apply.
func (w *walker) match(f *sshconf.File, path string, i int, l *sshconf.Line) State {
	pos := lazyPos{path: path, i: i}
	if w.opts.Dialect.Server && w.pass == 1 && w.opts.NoProblems {
		// No Match block applies in sshd's first pass (see matchServer):
		// the line is parsed there only for its problems.
		return Inactive
	}
	if w.opts.Dialect.Server && w.pass == 2 && w.opts.Conn == nil && !mayBeAllOrLocalPort(l.Raw) {
		// sshd -T without a connection: only "Match all" applies, and only
		// LocalPort is worth a note. Its problems are the first pass's.
		return Inactive
	}
	crit, err := w.parseMatch(f, i, l)
	if !w.opts.Dialect.Server && containsFold(l.Raw, "exec") {
		// Whatever the tokenizer made of it: a line that spells "exec"
		// anywhere is never handed to ssh -G unasked.
		hasExec := false
		for _, c := range crit {
			hasExec = hasExec || c.Attr == "exec"
		}
		if !hasExec {
			w.incomplete(pos.String(), "this Match line mentions exec, and keepalive does not let ssh -G near a command")
		}
	}
	if err != nil {
		w.problem(pos.String(), "Match: %v; %s refuses this line (Bad Match condition)", err, w.prog())
		return Inactive
	}
	if w.opts.Dialect.Server {
		return w.matchServer(pos, crit)
	}
	result := Active
	for _, c := range crit {
		var r State
		switch c.Attr {
		case "all":
			if result == Inactive {
				return Inactive
			}
			return min(result, stateOf(!c.Neg))
		case "canonical", "final":
			w.byHost()
			if c.Attr == "final" {
				w.wantFinal = true
			}
			r = stateOf(w.pass == 2)
		case "host":
			h := w.hostName()
			if w.pass == 2 {
				h = w.finalHost
			}
			r = stateOf(matchList(strings.ToLower(h), c.Arg, true) == 1)
		case "originalhost":
			r = stateOf(matchList(strings.ToLower(w.opts.Host), c.Arg, true) == 1)
		case "user":
			u := w.opts.User
			if v, ok := w.vals["user"]; ok && u == "" {
				u = v
			}
			if u == "" {
				u = w.opts.LocalUser
			}
			r = stateOf(matchList(u, c.Arg, false) == 1)
		case "localuser":
			r = stateOf(matchList(w.opts.LocalUser, c.Arg, false) == 1)
		case "tagged":
			tag := w.vals["tag"]
			if tag == "" && w.version().AtLeast(10, 0) {
				// 10.0: no tag matches only an empty pattern.
				r = stateOf(c.Arg == "")
			} else {
				r = stateOf(matchList(tag, c.Arg, false) == 1)
			}
		case "version":
			r = stateOf(matchList(w.version().Release, c.Arg, false) == 1)
		case "exec":
			w.incomplete(pos.String(), "Match exec runs a command, which keepalive never does")
			if result == Inactive {
				continue // ssh skips the command once a criterion failed
			}
			r = Maybe
		case "command":
			// As for "ssh HOST" (and ssh -G HOST): no remote command, which
			// only an empty pattern matches.
			r = stateOf(c.Arg == "")
		case "sessiontype":
			r = stateOf(matchList("shell", c.Arg, false) == 1)
		default: // localnetwork: the local interfaces
			r = Maybe
		}
		if c.Neg {
			r = negate(r)
		}
		result = min(result, r)
	}
	return result
}

// lazyPos is a line's "path:line", formatted only when something is
// reported about it.
type lazyPos struct {
	path string
	i    int
}

func (p lazyPos) String() string { return linePos(p.path, p.i) }

// parsedMatch is a Match line's criteria as ParseMatch returned them, and
// whether it asked for the release.
type parsedMatch struct {
	crit    []Criterion
	err     error
	version bool
}

// Memo remembers, for evaluations of the same parsed trees (a plan's,
// before and after each edit), what depends only on a line: a Match
// line's criteria. It must serve one dialect and one Options.Version; it
// is not safe for concurrent evaluations.
type Memo struct {
	files map[*sshconf.File]*memoFile
}

// memoFile is one file's remembered lines, sorted by line index: a
// config has few Match lines among many, so they are kept apart rather
// than in a slot per line. Lines never change (an edit replaces them),
// so an entry holding the same *Line holds its answer; an edit that
// inserts or removes a few lines above shifts the rest, so a lookup also
// tries the entries a few lines around. An evaluation walks a file in
// order: next, where the last lookup ended, is where the next one starts
// looking.
type memoFile struct {
	entries []memoEntry
	next    int
}

type memoEntry struct {
	index int32 // line index when remembered
	line  *sshconf.Line
	p     parsedMatch
}

// memoShift is how far a lookup looks around a line's index.
const memoShift = 8

// NewMemo returns an empty Memo.
func NewMemo() *Memo { return &Memo{files: map[*sshconf.File]*memoFile{}} }

// from returns the first entry whose index is at least i: a few steps
// from next in a walk, else a binary search.
func (mf *memoFile) from(i int) int {
	e, k := mf.entries, min(mf.next, len(mf.entries))
	for n := 0; n < 16; n++ {
		switch {
		case k > 0 && int(e[k-1].index) >= i:
			k--
		case k < len(e) && int(e[k].index) < i:
			k++
		default:
			return k
		}
	}
	return sort.Search(len(e), func(j int) bool { return int(e[j].index) >= i })
}

func (m *Memo) get(f *sshconf.File, i int, l *sshconf.Line) (parsedMatch, bool) {
	mf := m.files[f]
	if mf == nil {
		return parsedMatch{}, false
	}
	for k := mf.from(i - memoShift); k < len(mf.entries) && int(mf.entries[k].index) <= i+memoShift; k++ {
		if mf.entries[k].line == l {
			mf.next = k + 1
			return mf.entries[k].p, true
		}
	}
	return parsedMatch{}, false
}

func (m *Memo) put(f *sshconf.File, i int, l *sshconf.Line, p parsedMatch) {
	if m.files == nil {
		m.files = map[*sshconf.File]*memoFile{}
	}
	mf := m.files[f]
	if mf == nil {
		mf = &memoFile{}
		m.files[f] = mf
	}
	k := mf.from(i)
	mf.entries = slices.Insert(mf.entries, k, memoEntry{index: int32(i), line: l, p: p})
	mf.next = k + 1
}

// parseMatch is ParseMatch, remembered per line with Options.Memo (or
// Options.Skip) for every evaluation that shares it. f and i are the
// line's file and index.
func (w *walker) parseMatch(f *sshconf.File, i int, l *sshconf.Line) ([]Criterion, error) {
	m := w.opts.Memo
	if m == nil && w.skip() {
		// A Skip's evaluations visit few Match lines, far apart: by line.
		if p, ok := w.opts.Skip.crits[l]; ok {
			if p.version {
				w.version()
			}
			return p.crit, p.err
		}
		asked := false
		crit, err := ParseMatch(l, w.opts.Dialect.Server, func() Version { asked = true; return w.version() })
		w.opts.Skip.crits[l] = parsedMatch{crit, err, asked}
		return crit, err
	}
	if m == nil {
		return ParseMatch(l, w.opts.Dialect.Server, w.version)
	}
	if p, ok := m.get(f, i, l); ok {
		if p.version {
			w.version() // as ParseMatch would: the result names the release
		}
		return p.crit, p.err
	}
	asked := false
	crit, err := ParseMatch(l, w.opts.Dialect.Server, func() Version { asked = true; return w.version() })
	m.put(f, i, l, parsedMatch{crit, err, asked})
	return crit, err
}

func negate(s State) State {
	switch s {
	case Active:
		return Inactive
	case Inactive:
		return Active
	}
	return Maybe
}

// matchServer evaluates sshd Match criteria against opts.Conn, as sshd -T
// -C does (a connection field not given fails its criterion). Without a
// connection (the global view, sshd -T) only "Match all" applies.
func (w *walker) matchServer(pos lazyPos, crit []Criterion) State {
	if len(crit) == 1 && crit[0].Attr == "all" {
		return stateOf(w.pass == 2)
	}
	c := w.opts.Conn
	if w.pass == 1 {
		return Inactive
	}
	if c == nil {
		for _, cr := range crit {
			// sshd -T stops at the first such block: noted there only (an
			// sshd_config with a block per service port has thousands).
			if cr.Attr == "localport" && !w.lportNoted {
				w.lportNoted = true
				w.incomplete(pos.String(), "sshd -T without a connection (-C) refuses Match LocalPort (\"'lport' not in connection test specification\"); these are the values of connections no Match block but Match all applies to")
			}
		}
		return Inactive
	}
	result := Active
	for _, cr := range crit {
		arg := cr.Arg
		var r State
		switch cr.Attr {
		case "user":
			r = stateOf(c.User != "" && matchList(c.User, arg, false) == 1)
		case "group":
			// ga_match_pattern_list: a group that matches a negated
			// pattern vetoes the criterion, whatever the others match.
			r = Inactive
			if c.User == "" {
				break
			}
		groups:
			for _, g := range c.Groups {
				switch matchList(g, arg, false) {
				case -1:
					r = Inactive
					break groups
				case 1:
					r = Active
				}
			}
		case "host":
			r = stateOf(c.Host != "" && matchList(strings.ToLower(c.Host), arg, true) == 1)
		case "address":
			r = stateOf(c.Addr != "" && addrMatchList(c.Addr, arg) == 1)
		case "localaddress":
			r = stateOf(c.LAddr != "" && addrMatchList(c.LAddr, arg) == 1)
		case "localport":
			if c.LPort == "" {
				if !w.lportNoted { // sshd -T -C stops at the first: noted there only
					w.lportNoted = true
					w.incomplete(pos.String(), "Match LocalPort needs the connection's local port: sshd -T -C refuses a connection without lport= (\"'Match LocalPort' in configuration but 'lport' not in connection test specification\"); add lport=PORT")
				}
				r = Maybe
				break
			}
			r = stateOf(strings.TrimLeft(c.LPort, "0") == strings.TrimLeft(arg, "0"))
		case "rdomain":
			r = stateOf(c.RDomain != "" && matchList(c.RDomain, arg, false) == 1)
		case "version":
			r = stateOf(matchList(w.version().Release, arg, false) == 1)
		default: // invalid-user: a test connection is a valid user
			r = Inactive
		}
		result = min(result, r)
	}
	return result
}

// expandTilde expands "~" and "~user" at the start of a path.
func expandTilde(p, home string) (string, error) {
	rest := p[1:]
	name, tail, _ := strings.Cut(rest, "/")
	if name == "" {
		return home + "/" + tail, nil
	}
	u, err := passwd.Lookup(name)
	if err != nil {
		return "", err
	}
	return u.HomeDir + "/" + tail, nil
}

// mayBeAllOrLocalPort reports whether a Match line may hold the criteria
// "all" or "localport": whether it has a quote or a backslash (which may
// hide them) or spells either, in any case. It is containsFold for both
// words and strings.ContainsAny for the quotes, in one pass over the line
// that stops only at the bytes in allOrLocalPortStops.
func mayBeAllOrLocalPort(s string) bool {
	for i := 0; i < len(s); i++ {
		if !allOrLocalPortStops[s[i]] {
			continue
		}
		if c := s[i]; c != 'l' && c != 'L' {
			return true // a quote or a backslash
		}
		// Both words have an l: the second byte of "all", the first of
		// "localport".
		if i >= 1 && hasFoldAt(s, i-1, "all") || hasFoldAt(s, i, "localport") {
			return true
		}
	}
	return false
}

// allOrLocalPortStops are the bytes mayBeAllOrLocalPort looks at.
var allOrLocalPortStops = [256]bool{'"': true, '\'': true, '\\': true, 'l': true, 'L': true}

// hasFoldAt reports whether s holds word, lower-case ASCII letters, at i,
// ignoring ASCII case.
func hasFoldAt(s string, i int, word string) bool {
	if len(s)-i < len(word) {
		return false
	}
	for j := 0; j < len(word); j++ {
		if s[i+j]|0x20 != word[j] {
			return false
		}
	}
	return true
}

// containsFold reports whether s contains sub, ignoring ASCII case.
func lowerLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return s != ""
}

func containsFold(s, sub string) bool {
	if lowerLetters(sub) {
		// Only ASCII can fold onto ASCII letters byte for byte: compare
		// bytes, without decoding runes at every position.
		for i := 0; i+len(sub) <= len(s); i++ {
			j := 0
			for j < len(sub) && (s[i+j] == sub[j] || s[i+j] == sub[j]-'a'+'A') {
				j++
			}
			if j == len(sub) {
				return true
			}
		}
		return false
	}
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}

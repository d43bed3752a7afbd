package placement

import (
	"fmt"
	"net"
	"path/filepath"
	"sort"
	"strings"

	"github.com/keepalive-ssh/keepalive/internal/resolve"
	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// Server placement (docs/SPEC.md "Where an edit goes", server): sshd reads its
// global configuration first (Match blocks inactive), then the Match blocks
// that apply to a connection, whose values override the global ones. The
// first value obtained wins in each pass.

// matchKeywords are the sshd Match criteria --match accepts, in the
// spelling sshd_config(5) uses.
var matchKeywords = map[string]string{
	"user": "User", "group": "Group", "host": "Host", "address": "Address",
	"localaddress": "LocalAddress", "localport": "LocalPort", "rdomain": "RDomain",
}

// ParseMatch checks the criteria of a Match line ("User bob",
// "Group sftp Address 10.0.0.0/8", "user=bob", "all"), split as sshd splits
// a Match line (OpenSSH's tokenizer: blanks, or '=' between a criterion
// and its patterns), and returns them as arguments in the spelling every
// sshd release reads: ["User", "bob", "Address", "10.0.0.0/8"].
func ParseMatch(criteria string) ([]string, error) {
	if strings.ContainsAny(criteria, "\"'#\\\r\n") {
		return nil, fmt.Errorf("quotes, '#', '\\' and line breaks are not allowed")
	}
	if strings.TrimSpace(criteria) == "" {
		return nil, fmt.Errorf("empty")
	}
	// Read as OpenSSH before 9.9 reads it (strdelim): "User bob",
	// "user=bob" and "user = bob" alike. What is written is "User bob",
	// which every release reads.
	crit, err := resolve.ParseMatchText(criteria, true, func() resolve.Version { return resolve.Version{Major: 9, Minor: 2} })
	if err != nil {
		return nil, fmt.Errorf("%v; want KEYWORD PATTERNS pairs such as \"User bob\", \"user=bob\" or \"Address 10.0.0.0/8\"", err)
	}
	if len(crit) == 1 && crit[0].Attr == "all" {
		return []string{"all"}, nil
	}
	var args []string
	for _, c := range crit {
		kw, ok := matchKeywords[c.Attr]
		if !ok {
			return nil, fmt.Errorf("unknown criterion %q: want all, User, Group, Host, Address, LocalAddress, LocalPort or RDomain", c.Attr)
		}
		if probeValue(kw, c.Arg) == "" {
			return nil, fmt.Errorf("%s %s matches no connection keepalive can name: give at least one pattern without '!'", kw, c.Arg)
		}
		args = append(args, kw, c.Arg)
	}
	return args, nil
}

// MatchConn returns a connection that the criteria match, for evaluating
// the configuration the way sshd would for it: each criterion's first
// pattern that is not negated, with wildcards filled in.
func MatchConn(args []string) *resolve.Conn {
	c := &resolve.Conn{}
	for i := 0; i+1 < len(args); i += 2 {
		v := probeValue(args[i], args[i+1])
		switch strings.ToLower(args[i]) {
		case "user":
			c.User = v
		case "group":
			c.Groups = append(c.Groups, v)
		case "host":
			c.Host = v
		case "address":
			c.Addr = v
		case "localaddress":
			c.LAddr = v
		case "localport":
			c.LPort = v
		case "rdomain":
			c.RDomain = v
		}
	}
	if len(c.Groups) > 0 && c.User == "" {
		// sshd matches Group only for a user (match_cfg_line: "Match
		// Group" needs one), so the connection names one.
		c.User = "keepalive-probe"
	}
	return c
}

// ConnSpec renders a connection as the argument of `sshd -T -C`, or ""
// when sshd cannot be asked about it (group membership depends on real
// accounts).
func ConnSpec(c *resolve.Conn) string {
	if c == nil || len(c.Groups) > 0 {
		return ""
	}
	return c.Spec()
}

// probeValue picks a value that a pattern list matches.
func probeValue(keyword, list string) string {
	for _, p := range strings.Split(list, ",") {
		if p == "" || strings.HasPrefix(p, "!") {
			continue
		}
		switch strings.ToLower(keyword) {
		case "address", "localaddress":
			if ip, n, err := net.ParseCIDR(p); err == nil {
				return ip.Mask(n.Mask).String()
			}
			return strings.NewReplacer("*", "1", "?", "1").Replace(p)
		case "localport":
			return p
		}
		return strings.NewReplacer("*", "keepalive-probe", "?", "k").Replace(p)
	}
	return ""
}

// matchArgs splits criteria that ParseMatch accepted (callers check them
// first, as bad usage).
func matchArgs(match string) []string {
	if args, err := ParseMatch(match); err == nil {
		return args
	}
	return strings.Fields(match)
}

// sameCriteria reports whether a Match header has exactly the criteria
// args (as ParseMatch returns them), read as the installed sshd reads the
// header ("Match user=bob" is "Match User bob"): keywords compared without
// case, patterns exactly.
func sameCriteria(s *Scope, h *sshconf.Line, args []string) bool {
	if h == nil || !h.Is("Match") {
		return false
	}
	crit, err := resolve.ParseMatch(h, true, s.Opts.Version)
	if err != nil {
		return false
	}
	if len(args) == 1 {
		return len(crit) == 1 && crit[0].Attr == "all"
	}
	if len(crit)*2 != len(args) {
		return false
	}
	for i, c := range crit {
		if !strings.EqualFold(c.Attr, args[2*i]) || c.Arg != args[2*i+1] {
			return false
		}
	}
	return true
}

// EnableServer sets each setting in sshd's configuration. With match ""
// the global value is set: an effective directive is updated in place
// wherever it lives (the main file, a drop-in, a "Match all" block);
// otherwise a new line goes into the main file before the first Match,
// after a commented default ("#ClientAliveInterval 0") when there is one.
// With match criteria ("User bob") the Match block with the same criteria
// is edited, and created at the end of the main file when there is none.
// The plan records anything that still overrides a new value. match must
// have passed ParseMatch.
func EnableServer(s Scope, settings []Setting, match string) *Plan {
	s.Opts.Keys = keysOf(settings) // an sshd_config with many Match blocks has many other keys
	if match != "" {
		return enableMatch(s, settings, matchArgs(match))
	}
	s.Opts.Conn = nil
	// The last evaluation also gives the PidFile of the sshd to reload
	// (Plan.Evaluated).
	s.Opts.Keys = append(s.Opts.Keys, "pidfile")
	p := newPlan(&s)
	type done struct {
		placed
		isNew bool
		order int
	}
	var dones []done
	// In-place updates first, so that a missing sibling can be put next to
	// an existing one wherever that lives.
	var missing []int
	keptFirst := false
	var applied []Setting // the settings not kept as they were
	// r is evaluated, and fresh while nothing was edited since.
	r, fresh := p.unedited, p.unedited != nil
	for k, set := range settings {
		if !fresh {
			r, fresh = p.resolve(&s), true
		}
		eff, ok := r.Effective(set.Key)
		if set.Default {
			if ok && !(isInterval(set.Key) && isOff(eff.Line().Value())) {
				if eff.Line().Value() != set.Value { // else simply already set
					p.keptAt(eff, KeptInEffect)
				}
				keptFirst = keptFirst || k == 0
				dones = append(dones, done{placed: placed{eff.Doc.File, eff.Line()}, order: k})
				continue
			}
			if keptFirst {
				continue
			}
		}
		applied = append(applied, set)
		if !ok {
			missing = append(missing, k)
			continue
		}
		f, i := eff.Doc.File, eff.Index
		if eff.Line().Value() != set.Value {
			was := eff.Line().Value()
			i = setMarked(f, i, set.Value)
			p.record(f, f.Lines[i], Change{Was: was})
			fresh = false
		}
		dones = append(dones, done{placed: placed{f, f.Lines[i]}, order: k})
	}
	main := p.Files[s.Main()]
	for _, k := range missing {
		set := settings[k]
		f, at := main, -1
		var anchor *done
		for i := range dones {
			if !dones[i].isNew {
				anchor = &dones[i]
				break
			}
		}
		if anchor == nil {
			if c := commentedDefault(main, set.Key); c >= 0 {
				at = c + 1
			} else if len(dones) > 0 {
				anchor = &dones[len(dones)-1]
			}
		}
		if anchor != nil {
			f = anchor.f
			idx := lineIndex(f, anchor.l)
			at = idx + 1
			if k < anchor.order { // keep the settings' order: Interval, then CountMax
				at = idx
				if _, ok := markerOf(f, idx); ok {
					at = idx - 1
				}
			}
		}
		if at < 0 {
			at = globalInsertPoint(main)
		}
		b := f.BlockOf(max(at-1, 0))
		if at == 0 {
			b = globalBlock(f)
		}
		i := insertMarked(f, at, f.StyleFor(b).Render(set.Key, set.Value), Marker{})
		p.record(f, f.Lines[i], Change{})
		dones = append(dones, done{placed: placed{f, f.Lines[i]}, isNew: true, order: k})
	}
	if r == nil || !fresh || len(missing) > 0 {
		r = p.resolve(&s)
	}
	p.checkResult(&s, applied, r)
	p.end(&s, r)
	return p
}

// globalBlock is f.Blocks()[0], found without listing every block: the
// lines before the first Match.
func globalBlock(f *sshconf.File) sshconf.Block {
	end := 0
	for end < len(f.Lines) && !sshconf.IsHeader(f.Lines[end]) {
		end++
	}
	return sshconf.Block{Start: 0, End: end}
}

// commentedDefault returns the index of a commented-out default for key
// ("#ClientAliveInterval 0", as upstream and distributions ship it) in
// the global part of f, before its first Match; -1 if there is none.
func commentedDefault(f *sshconf.File, key string) int {
	b := globalBlock(f)
	for i := b.Start; i < b.End; i++ {
		l := f.Lines[i]
		if l.Kind != sshconf.Comment || l.Indent() != "" {
			continue
		}
		body := strings.TrimLeft(strings.TrimRight(l.Raw, " \t\r\n"), "\uFEFF")
		body = strings.TrimPrefix(body, "#")
		body = strings.TrimPrefix(body, " ")
		if len(body) < len(key) || !strings.EqualFold(body[:len(key)], key) {
			continue
		}
		if rest := body[len(key):]; rest == "" || strings.ContainsRune(" \t=", rune(rest[0])) {
			return i
		}
	}
	return -1
}

// globalInsertPoint is where a new global directive goes in f when there
// is no commented default: before the first Match block and before the
// comment lines that introduce it (and the blank lines that separate them
// from the previous directives), else at the end of the file.
func globalInsertPoint(f *sshconf.File) int {
	at := globalBlock(f).End
	if at == len(f.Lines) {
		return at
	}
	for at > 0 && f.Lines[at-1].Kind == sshconf.Blank {
		at--
	}
	for at > 0 && f.Lines[at-1].Kind == sshconf.Comment {
		at--
	}
	for at > 0 && f.Lines[at-1].Kind == sshconf.Blank {
		at--
	}
	return at
}

// enableMatch sets the settings in the Match block with the given
// criteria, evaluating the configuration for a connection they match.
func enableMatch(s Scope, settings []Setting, args []string) *Plan {
	s.Opts.Conn = MatchConn(args)
	p := newPlan(&s)
	before := p.uneditedOr(&s)
	f, header := p.findMatch(&s, before, args)
	if f == nil {
		f = p.Files[s.Main()]
		at := len(f.Lines)
		m := Marker{}
		if usesBlankLines(f) && at > 0 && f.Lines[at-1].Kind != sshconf.Blank {
			f.Insert(at, "")
			at++
			m.BlankAbove = true
		}
		header = insertMarked(f, at, "Match "+strings.Join(args, " "), m)
	}
	hl := f.Lines[header]
	keptFirst := false
	var applied []Setting // the settings not kept as they were
	for k, set := range settings {
		header = lineIndex(f, hl)
		b := f.BlockOf(header)
		key := s.Opts.Dialect.Canon(set.Key)
		eff, effOK := before.Effective(key)
		if p.keepDefault(set, key, before, k, &keptFirst) {
			continue
		}
		applied = append(applied, set)
		was := ""
		if effOK {
			was = eff.Line().Value()
		}
		p.setInBlock(&s, f, b, b.Start+1, key, set, &was)
	}
	r := p.resolve(&s)
	p.checkResult(&s, applied, r)
	p.end(&s, r)
	return p
}

// findMatch returns the first Match block with exactly the criteria args,
// in the order sshd reads the files, as its file and header index; r is
// an evaluation of the plan's trees as they are.
func (p *Plan) findMatch(s *Scope, r *resolve.Result, args []string) (*sshconf.File, int) {
	for _, d := range r.Docs {
		for i, l := range d.File.Lines {
			if sshconf.IsHeader(l) && mayHaveCriteria(l, args) && sameCriteria(s, l, args) {
				return d.File, i
			}
		}
	}
	return nil, 0
}

// mayHaveCriteria is a quick test before sameCriteria: a line without
// quotes or backslashes holds the criteria's patterns as written.
func mayHaveCriteria(h *sshconf.Line, args []string) bool {
	if strings.ContainsAny(h.Raw, "\"'\\") {
		return true
	}
	for i := 1; i < len(args); i += 2 {
		if !strings.Contains(h.Raw, args[i]) {
			return false
		}
	}
	return true
}

// DisableServer undoes what server did (see Disable): with match "" to
// the global keep-alive directives (those in "Match all" blocks included),
// else to those in Match blocks with exactly these criteria.
func DisableServer(s Scope, keys []string, match string) *Plan {
	return disableServer(s, keys, match, false)
}

// DisableServerAll removes every keep-alive directive DisableServer would
// consider, whoever wrote it.
func DisableServerAll(s Scope, keys []string, match string) *Plan {
	return disableServer(s, keys, match, true)
}

func disableServer(s Scope, keys []string, match string, all bool) *Plan {
	var args []string
	s.Opts.Conn = nil
	s.Opts.Keys = keys
	if match != "" {
		args = matchArgs(match)
		s.Opts.Conn = MatchConn(args)
	}
	p := newPlan(&s)
	r := p.uneditedOr(&s)
	var occ []resolve.Occurrence
	for _, key := range keys {
		canon := s.Opts.Dialect.Canon(key)
		for _, o := range r.Occurrences {
			if o.Key != canon {
				continue
			}
			if match == "" && o.State == resolve.Active || match != "" && sameCriteria(&s, o.Header, args) {
				occ = append(occ, o)
			}
		}
	}
	p.undo(occ, all)
	p.finish(nil)
	for path, f := range p.Files {
		if filepath.Base(path) == DropInName && len(f.Lines) == 0 && len(p.Orig[path]) > 0 {
			if p.Remove == nil {
				p.Remove = map[string]bool{}
			}
			p.Remove[path] = true // keepalive's own file: gone, as before server --drop-in
		}
	}
	return p
}

// DropInName is the file --drop-in writes in the drop-in directory. sshd
// keeps the first value it reads and reads a directory's files in
// lexical (C locale) order, so the name sorts before the usual ones
// ("50-cloud-init.conf", "50-redhat.conf", "60-…"); "00-" is the
// lowest prefix in common use. Anything sorting earlier that sets a
// keep-alive is reported as shadowing it.
const DropInName = "00-keepalive.conf"

// EnableServerDropIn sets the settings in a dedicated drop-in file named
// name, in the directory that an unconditional Include of the main file
// reads (Debian's "Include /etc/ssh/sshd_config.d/*.conf"). It fails when
// the main file has no such Include. The plan records what would still
// override the drop-in: a directive read before it, or a "Match all".
func EnableServerDropIn(s Scope, settings []Setting, name string) (*Plan, error) {
	s.Opts.Conn = nil
	s.Opts.Keys = append(keysOf(settings), "pidfile") // see EnableServer
	p := newPlan(&s)
	main := p.Files[s.Main()]
	inc, arg, path := dropInTarget(&s, main, name)
	if inc < 0 {
		return nil, fmt.Errorf("%s has no Include of a drop-in directory (such as Include /etc/ssh/sshd_config.d/*.conf) before its first Match, so a drop-in file would not be read", s.Main())
	}
	_, exists := p.Files[path]
	before := p.uneditedOr(&s)
	if !exists {
		p.add(path, sshconf.Parse(nil))
	}
	f := p.Files[path]
	keptFirst := false
	var applied []Setting // the settings not kept as they were
	for k, set := range settings {
		key := s.Opts.Dialect.Canon(set.Key)
		if p.keepDefault(set, key, before, k, &keptFirst) {
			continue
		}
		applied = append(applied, set)
		b := f.Blocks()[0]
		p.setInBlock(&s, f, b, b.Start, key, set, nil)
	}
	p.finish(nil)
	if exists { // the resolver reads the file from disk
		r := p.resolve(&s)
		p.checkResult(&s, applied, r)
		p.end(&s, r)
		return p, nil
	}
	if len(applied) > 0 {
		p.checkNewDropIn(&s, applied, inc, arg, path)
	}
	return p, nil
}

// dropInTarget finds the first Include line in the global part of main
// with a pattern that a file called name in its directory would match,
// and returns its index, the argument's index and that file's path on
// disk; inc is -1 when there is none.
func dropInTarget(s *Scope, main *sshconf.File, name string) (inc, arg int, path string) {
	b := main.Blocks()[0]
	for i := b.Start; i < b.End; i++ {
		l := main.Lines[i]
		if !l.Is("Include") || l.Err() != nil {
			continue
		}
		for k, a := range l.Args() {
			pat := s.Opts.FS.Real(anchorServer(a))
			dir, base := filepath.Split(pat)
			if strings.ContainsAny(dir, "*?[") || base == "" || !strings.ContainsAny(base, "*?[") {
				continue
			}
			if ok, err := filepath.Match(base, name); err == nil && ok {
				return i, k, filepath.Join(dir, name)
			}
		}
	}
	return -1, 0, ""
}

// anchorServer is how sshd anchors an Include argument: relative paths
// live in /etc/ssh.
func anchorServer(arg string) string { return resolve.AnchorSystem(arg) }

// checkNewDropIn records what would override a drop-in file that does not
// exist yet. The resolver finds Included files by globbing the disk, so
// it cannot see the new file; instead the main file is evaluated cut just
// after the Include that will read it, with that Include reduced to the
// files that sort before it. Every value obtained there is read before
// the drop-in and wins; any Match block that applies (Match all) wins too.
func (p *Plan) checkNewDropIn(s *Scope, settings []Setting, inc, arg int, path string) {
	main := p.Files[s.Main()]
	l := main.Lines[inc]
	var args []string
	for k, a := range l.Args()[:arg+1] {
		if k < arg {
			args = append(args, quoteArg(a))
			continue
		}
		matches, _ := s.Opts.FS.Glob(anchorServer(a))
		sort.Strings(matches)
		for _, m := range matches {
			if m < path {
				args = append(args, quoteArg(m))
			}
		}
	}
	text := "#"
	if len(args) > 0 {
		text = l.Indent() + "Include " + strings.Join(args, " ")
	}
	cut := &sshconf.File{Lines: append(append([]*sshconf.Line{}, main.Lines[:inc]...), sshconf.Parse([]byte(text + l.EOL())).Lines[0])}
	before := s.Opts
	before.Override = map[string]*sshconf.File{}
	for k, v := range p.Files {
		before.Override[k] = v
	}
	before.Override[s.Main()] = cut
	rBefore := resolve.Resolve(before)
	rAll := p.resolve(s)
	for _, set := range settings {
		if o, ok := firstActive(rAll, set.Key, 2); ok {
			p.Shadowed = append(p.Shadowed, Shadow{Key: set.Key, By: o})
		} else if o, ok := firstActive(rBefore, set.Key, 1); ok {
			p.Shadowed = append(p.Shadowed, Shadow{Key: set.Key, By: o})
		}
	}
}

// firstActive returns the first occurrence of key that applies in a pass.
func firstActive(r *resolve.Result, key string, pass int) (resolve.Occurrence, bool) {
	for _, o := range r.All(key, resolve.Active) {
		if int(o.Pass) == pass {
			return o, true
		}
	}
	return resolve.Occurrence{}, false
}

// quoteArg quotes a path for an Include line when it has blanks.
func quoteArg(a string) string {
	if strings.ContainsAny(a, " \t") {
		return `"` + a + `"`
	}
	return a
}

// keepDefault reports whether settings[k], a default (no flag given), is
// left as it is: a value in effect stays (and is noted as kept unless it
// is the same), an interval that is off is turned on, and once the first
// setting (the interval) was kept the others are too, so a kept interval
// does not get keepalive's count beside it.
func (p *Plan) keepDefault(set Setting, key string, before *resolve.Result, k int, keptFirst *bool) bool {
	if !set.Default {
		return false
	}
	if eff, ok := before.Effective(key); ok && !(isInterval(key) && isOff(eff.Line().Value())) {
		if eff.Line().Value() != set.Value { // else simply already set
			p.keptAt(eff, KeptInEffect)
		}
		*keptFirst = *keptFirst || k == 0
		return true
	}
	return *keptFirst
}

// setInBlock gives key set.Value in block b of f: the first line for key
// from line from on is updated (when its value differs), else a line is
// added after the block's last directive. The change records what the
// value was: *was, or with was nil the updated line's own value (nothing
// for an added line).
func (p *Plan) setInBlock(s *Scope, f *sshconf.File, b sshconf.Block, from int, key string, set Setting, was *string) {
	for i := from; i < b.End; i++ {
		l := f.Lines[i]
		if l.Kind != sshconf.Directive || s.Opts.Dialect.Canon(l.Key()) != key {
			continue
		}
		if l.Value() != set.Value {
			old := l.Value()
			if was != nil {
				old = *was
			}
			i = setMarked(f, i, set.Value)
			p.record(f, f.Lines[i], Change{Was: old})
		}
		return
	}
	i := insertMarked(f, f.LastDirective(b)+1, f.StyleFor(b).Render(set.Key, set.Value), Marker{})
	ch := Change{}
	if was != nil {
		ch.Was = *was
	}
	p.record(f, f.Lines[i], ch)
}

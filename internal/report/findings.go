package report

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/keepalive-ssh/keepalive/internal/resolve"
	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// place identifies a directive across evaluations (each evaluation parses
// the files anew, so pointers differ).
type place struct {
	path  string
	index int
}

func placeOf(o resolve.Occurrence) place { return place{o.Doc.Path, o.Index} }

// uniq drops repeated occurrences of one line (the client's final pass
// reads every line again), keeping the first.
func uniq(occs []resolve.Occurrence) []resolve.Occurrence {
	seen := make(map[place]bool, len(occs))
	var out []resolve.Occurrence
	for _, o := range occs {
		if !seen[placeOf(o)] {
			seen[placeOf(o)] = true
			out = append(out, o)
		}
	}
	return out
}

// order returns a function giving an occurrence's position in evaluation
// order.
func order(res *resolve.Result) func(resolve.Occurrence) int {
	type k struct {
		doc   *resolve.Doc
		index int
		pass  uint8
	}
	pos := map[k]int{}
	for i, o := range res.Occurrences {
		pos[k{o.Doc, o.Index, o.Pass}] = i
	}
	return func(o resolve.Occurrence) int { return pos[k{o.Doc, o.Index, o.Pass}] }
}

// headerPos returns "path:line" of a block header, found among the files
// the evaluation read.
func headerPos(res *resolve.Result, h *sshconf.Line) string {
	return res.HeaderPos(h)
}

// blockName renders a block header for a message: `Host foo` or
// `Match exec "test -f x"`.
func blockName(h *sshconf.Line) string {
	if h == nil {
		return "the lines before any Host or Match"
	}
	var args []string
	for _, a := range h.Args() {
		if a == "" || strings.ContainsAny(a, " \t") {
			a = strconv.Quote(a)
		}
		args = append(args, a)
	}
	if len(args) == 0 {
		return "`" + h.Key() + "`"
	}
	return "`" + h.Key() + " " + sshconf.Abbrev(args) + "`"
}

// blockAt names the block of an occurrence and where its header is.
func blockAt(res *resolve.Result, o resolve.Occurrence) string {
	h := o.Header
	if h == nil {
		return blockName(h)
	}
	if p := res.OccurrenceHeaderPos(o); p != "" {
		return blockName(h) + " at " + p
	}
	return blockName(h)
}

// isGeneral reports whether a block applies to every host: the lines
// before any block, `Host *`, `Match all`, `Match final all`.
func isGeneral(h *sshconf.Line) bool {
	if h == nil {
		return true
	}
	if it := h.Iter(); !mayBeGeneral(it.Next()) {
		return false // most headers: their arguments are not split
	}
	if sshconf.IsHostAll(h) {
		return true
	}
	args := h.Args()
	if h.Is("Host") {
		for _, p := range args {
			if p != "*" {
				return false
			}
		}
		return len(args) > 0
	}
	if !h.Is("Match") || len(args) == 0 {
		return false
	}
	for _, a := range args {
		if !strings.EqualFold(a, "all") && !strings.EqualFold(a, "final") {
			return false
		}
	}
	return true
}

// directive renders a directive as written: `ServerAliveInterval 60`.
func directive(o resolve.Occurrence) string {
	l := o.Line()
	return l.Key() + " " + l.Value()
}

// sourceText says where a value comes from, for a message.
func sourceText(v Value) string {
	if v.occ == nil {
		return "OpenSSH's default"
	}
	return v.Source
}

// fileWarnings reports what makes OpenSSH refuse or misread a file (the
// resolver's problems and byte-order marks), what keepalive could not
// evaluate, and the OpenSSH release it followed when that mattered. It
// returns the first reason OpenSSH refuses the configuration, or "".
func fileWarnings(r *Report, sec Section, opts resolve.Options, res *resolve.Result) string {
	prog := "ssh"
	if sec == SectionServer {
		prog = "sshd"
	}
	rejected, where := "", ""
	if p := res.Rejected(); p != nil {
		rejected, where = p.Error(), p.Pos
	}
	for _, p := range res.Problems {
		r.Add(Error, sec, p.Pos, "%s", p.Msg)
	}
	for _, d := range res.Docs {
		if d.File.HasBOM() {
			r.Add(Error, sec, d.Path+":1", "the file starts with a UTF-8 byte-order mark: OpenSSH reads it as part of the first keyword and rejects the file; save it as UTF-8 without BOM")
			if rejected == "" {
				rejected, where = d.Path+":1: a UTF-8 byte-order mark", d.Path+":1"
			}
		}
	}
	problems := map[resolve.Problem]bool{}
	for _, p := range res.Problems {
		problems[p] = true
	}
	for _, p := range res.Incomplete {
		if problems[p] || strings.HasPrefix(p.Msg, "Match exec") {
			continue // reported above, or with the values it may change
		}
		r.Add(Warning, sec, p.Pos, "%s; the values shown may not be what %s uses", p.Msg, prog)
	}
	if v := res.Version; v != nil {
		switch {
		case !v.Known():
			r.Add(Info, sec, "", "some lines mean different things in different OpenSSH releases, and the installed version is unknown (no ssh -V): they were read as the newest release reads them")
		case opts.FS.Root != "" && opts.FS.Root != "/":
			r.Add(Info, sec, "", "some lines mean different things in different OpenSSH releases: they were read as %s (the ssh installed on this machine) reads them; the one in %s may differ", v, opts.FS.Root)
		}
	}
	if rejected != "" {
		r.Add(Error, sec, "", "%s rejects this config (the error at %s): the values shown are what keepalive read, not values in effect", prog, where)
	}
	return rejected
}

// badValue reports a value OpenSSH rejects.
func badValue(r *Report, sec Section, name string, v Value, prog string) {
	if !v.bad {
		return
	}
	o := v.occ
	r.Add(Error, sec, v.Source, "%s: %s rejects this value (and with it the whole file): want %s",
		directive(*o), prog, map[string]string{
			"ServerAliveInterval": "seconds or a time such as 5m",
			"ClientAliveInterval": "seconds or a time such as 5m",
			"ServerAliveCountMax": "a whole number",
			"ClientAliveCountMax": "a whole number",
			"TCPKeepAlive":        "yes or no",
		}[name])
}

// aliasNote explains an effective line written under another name.
func aliasNote(r *Report, sec Section, d sshconf.Dialect, v Value) {
	if v.occ == nil {
		return
	}
	key := v.occ.Line().Key()
	if !d.IsAlias(key) {
		return
	}
	switch strings.ToLower(key) {
	case "protocolkeepalives", "setuptimeout":
		r.Add(Warning, sec, v.Source, "%s is a Debian/Ubuntu alias of ServerAliveInterval: upstream OpenSSH (macOS, Fedora, the BSDs) rejects it; write ServerAliveInterval", key)
	case "keepalive":
		r.Add(Info, sec, v.Source, "KeepAlive is the old name of TCPKeepAlive")
	}
}

// intervalWarnings explains an effective interval: off, or longer than
// the idle timeout of common NATs and load balancers.
func intervalWarnings(r *Report, sec Section, name string, v Value, who string) {
	n, ok := v.Int()
	if !ok {
		return
	}
	switch {
	case n == 0:
		r.Add(Warning, sec, sourceIfSet(v), "keep-alives are off %s: %s is 0 (%s); an idle session through a NAT or load balancer can hang; `keepalive %s` turns them on",
			who, name, sourceText(v), map[Section]string{SectionClient: "enable", SectionServer: "server"}[sec])
	case n > AzureLBIdle:
		r.Add(Warning, sec, sourceIfSet(v), "%s %d s %s is longer than the %d s idle timeout of Azure load balancers (and of some NATs): idle sessions through them are dropped before a keep-alive is sent",
			name, n, who, AzureLBIdle)
	case n > AWSALBIdle:
		r.Add(Info, sec, sourceIfSet(v), "%s %d s %s is longer than the %d s idle timeout of AWS application load balancers",
			name, n, who, AWSALBIdle)
	}
}

func sourceIfSet(v Value) string {
	if v.occ == nil {
		return ""
	}
	return v.Source
}

// MatchExec returns the position of a Match line with an exec criterion in
// any file the evaluation read, or "": ssh -G would run its command, so
// callers must not run ssh -G on such a config unless asked to.
func MatchExec(res *resolve.Result) string {
	for _, d := range res.Docs {
		for i, l := range d.File.Lines {
			if !l.Is("Match") {
				continue
			}
			for _, a := range l.Args() {
				if strings.EqualFold(strings.TrimPrefix(a, "!"), "exec") {
					return fmt.Sprintf("%s:%d", d.Path, i+1)
				}
			}
		}
	}
	return ""
}

// permWarnings reports files ssh refuses to read because of their owner or
// permissions: every Included file, and ~/.ssh/config.
func permWarnings(r *Report, opts resolve.Options, res *resolve.Result, checkUser bool) {
	top := map[string]bool{}
	for i, in := range opts.Files {
		top[in.Path] = !(i == 0 && in.User && checkUser)
	}
	checkOwner := opts.FS.Root == "" || opts.FS.Root == "/"
	for _, d := range res.Docs {
		if skip := top[d.Path]; skip {
			continue
		}
		if why := badPermissions(opts.FS, d.Path, checkOwner); why != "" {
			r.Add(Error, SectionClient, d.Path, "ssh refuses to run with this file (\"Bad owner or permissions\"): %s", why)
		}
	}
}

package placement

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/keepalive-ssh/keepalive/internal/resolve"
	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// Change is one directive an edit wrote, restored or took out.
type Change struct {
	Key string // the keyword as the line spells it
	// Value is the value now ("" when the line went); Was the value
	// before ("" when there was none in effect).
	Value, Was string
	Path       string
	// Block is the header of the block the line is in ("Host *",
	// "Match all"), "" outside any block.
	Block string
	// Removed: the line went. Restored: the line keepalive replaced came
	// back. Others: whoever wrote it, removed by --all.
	Removed, Restored, Others bool

	file *sshconf.File
	line *sshconf.Line // the line as written, to find its block at the end
}

// Kept is a keep-alive directive an edit left as it is.
type Kept struct {
	Key, Value string
	Pos        string // path:line
	// Why: "in effect" (enable, no value asked for), "not set by
	// keepalive", "changed since keepalive set it" (disable).
	Why string

	file *sshconf.File
	line *sshconf.Line // to give Pos as of the end of the edit
	path string
}

// keptAt records that the directive o is kept, for the reason why.
func (p *Plan) keptAt(o resolve.Occurrence, why string) {
	p.Kept = append(p.Kept, Kept{Key: o.Line().Key(), Value: o.Line().Value(), Pos: o.Pos(), Why: why,
		file: o.Doc.File, line: o.Line(), path: o.Doc.Path})
}

// Pinned is a host whose own keep-alive value comes before the general
// one, so a general enable does not reach it.
//
// A general enable on a fleet may find thousands: what they say is cut
// out of their lines only for those shown.
type Pinned struct {
	header, line *sshconf.Line
	path         string
	index        int
}

// Block is the host's block header, as "Host aur.archlinux.org".
func (h Pinned) Block() string { return sshconf.Header(h.header) }

// Key and Value are the host's own directive's.
func (h Pinned) Key() string   { return h.line.Key() }
func (h Pinned) Value() string { return h.line.Value() }

// Pos is the directive's "path:line".
func (h Pinned) Pos() string { return fmt.Sprintf("%s:%d", h.path, h.index+1) }

// What each Kept reason says.
const (
	KeptInEffect = "in effect"
	KeptNotOurs  = "not set by keepalive"
	KeptEdited   = "changed since keepalive set it"
)

// lineIndex finds l in f, or -1.
func lineIndex(f *sshconf.File, l *sshconf.Line) int {
	for i, x := range f.Lines {
		if x == l {
			return i
		}
	}
	return -1
}

// blockName is the trimmed header text of the block holding line i.
func blockName(f *sshconf.File, i int) string {
	if i < 0 {
		return ""
	}
	b := f.BlockOf(i)
	if b.Header == nil {
		return ""
	}
	return sshconf.Header(b.Header)
}

// pathOf returns the path of f in the plan.
func (p *Plan) pathOf(f *sshconf.File) string {
	for path, g := range p.Files {
		if g == f {
			return path
		}
	}
	return ""
}

// record adds a change of line l of f.
func (p *Plan) record(f *sshconf.File, l *sshconf.Line, c Change) {
	c.file, c.line, c.Path = f, l, p.pathOf(f)
	if c.Key == "" {
		c.Key = l.Key()
	}
	if c.Value == "" && !c.Removed {
		c.Value = l.Value()
	}
	p.Changes = append(p.Changes, c)
}

// finish gives a file keepalive creates its CreatedMarker (markCreated)
// and names the block of every change now that all edits are made; r,
// when not nil, is the final evaluation, whose headers are those of the
// including file for a line in an Included one. It reports whether it
// edited the trees (markCreated).
func (p *Plan) finish(r *resolve.Result) (edited bool) {
	edited = p.markCreated()
	for k := range p.Kept {
		c := &p.Kept[k]
		if c.line == nil {
			continue
		}
		if i := lineIndex(c.file, c.line); i >= 0 {
			c.Pos = fmt.Sprintf("%s:%d", c.path, i+1)
		}
	}
	for k := range p.Changes {
		c := &p.Changes[k]
		if c.Block != "" || c.line == nil {
			continue
		}
		i := lineIndex(c.file, c.line)
		c.Block = blockName(c.file, i)
		if c.Block == "" && r != nil {
			for _, o := range r.Occurrences {
				if o.Doc.File == c.file && o.Index == i && o.Header != nil {
					c.Block = sshconf.Header(o.Header)
					break
				}
			}
		}
	}
	return edited
}

// Describe says what the plan does to the file at path, for "changed
// PATH: ...": each setting with its previous value, and the block once
// ("ServerAliveInterval 60 (was 120), ServerAliveCountMax 2 (was not set)
// in Host *"). It is "" when the plan does not change that file.
func (p *Plan) Describe(path string) string {
	var parts []string
	var blocks []string
	var groups [][]string
	for _, c := range p.Changes {
		if c.Path != path {
			continue
		}
		var s string
		switch {
		case c.Removed && c.Others:
			s = fmt.Sprintf("removed %s %s (%s; --all removes it)", c.Key, c.Was, KeptNotOurs)
		case c.Removed:
			s = fmt.Sprintf("removed %s %s", c.Key, c.Was)
		case c.Restored:
			s = fmt.Sprintf("restored %s %s (was %s)", c.Key, c.Value, wasText(c.Key, c.Was))
		default:
			s = fmt.Sprintf("%s %s (was %s)", c.Key, c.Value, wasText(c.Key, c.Was))
		}
		k := -1
		for i, b := range blocks {
			if b == c.Block {
				k = i
			}
		}
		if k < 0 {
			blocks = append(blocks, c.Block)
			groups = append(groups, nil)
			k = len(blocks) - 1
		}
		groups[k] = append(groups[k], s)
	}
	for i, g := range groups {
		s := strings.Join(g, ", ")
		if blocks[i] != "" {
			s += " in " + blocks[i]
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// wasText shows a previous value: "off" for an interval of 0 or none.
func wasText(key, was string) string {
	switch {
	case isInterval(key) && (was == "" || isOff(was)):
		return "off"
	case was == "":
		return "not set"
	}
	return was
}

func isInterval(key string) bool {
	k := strings.ToLower(key)
	return strings.HasSuffix(k, "interval") || k == "protocolkeepalives" || k == "setuptimeout"
}

// isOff reports whether an interval value turns keep-alives off: 0, as
// OpenSSH's convtime reads it.
func isOff(v string) bool {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	return err == nil && n == 0
}

// Notes are the lines to print after the change: values kept, and hosts
// that keep their own. flag names the option that changes a key
// ("--interval"), for the hint.
func (p *Plan) Notes(flag func(key string) string) []string {
	var out []string
	for _, k := range p.Kept {
		switch k.Why {
		case KeptInEffect:
			hint := ""
			if f := flag(k.Key); f != "" {
				hint = "; pass " + f + " to change it"
			}
			out = append(out, fmt.Sprintf("kept %s %s (%s)%s", k.Key, k.Value, k.Pos, hint))
		default:
			out = append(out, fmt.Sprintf("%s kept: %s (%s %s); --all removes it too", k.Pos, k.Why, k.Key, k.Value))
		}
	}
	if len(p.Pinned) > 0 {
		const few = 3
		var names []string
		for i, h := range p.Pinned {
			if i == few {
				names = append(names, fmt.Sprintf("and %d more", len(p.Pinned)-few))
				break
			}
			names = append(names, fmt.Sprintf("%s (%s: %s %s)", h.Block(), h.Pos(), h.Key(), h.Value()))
		}
		what := "1 host keeps its own keep-alive"
		if len(p.Pinned) > 1 {
			what = fmt.Sprintf("%d hosts keep their own keep-alive", len(p.Pinned))
		}
		out = append(out, what+": "+strings.Join(names, ", "))
	}
	return out
}

package sshconf

import (
	"fmt"
	"slices"
	"strings"
)

// SetValue replaces the arguments of directive line i with value, keeping
// its indentation, keyword, separator, trailing comment and line ending.
func (f *File) SetValue(i int, value string) {
	l := f.Lines[i]
	sep := ""
	sp := l.spans()
	if sp.argStart == sp.keyEnd { // "Key" alone, or a quote right after it
		sep = " "
	}
	raw := l.Raw[:sp.argStart] + sep + value + l.Raw[sp.argEnd:]
	f.rewrite(i, parseLine(raw, i == 0))
}

// Edit is one change made to a File since it was parsed (File.Edits): at
// line index At (as the file was just before), Added lines inserted (1 or
// more), one removed (Added -1) or one rewritten (Added 0). Old is the
// line removed or rewritten.
type Edit struct {
	At, Added int
	Old       *Line
}

// Edits returns the changes made to the file since it was parsed, in the
// order made: with the file's lines at some earlier point, what was done
// to them since (see resolve's Result.Edited).
func (f *File) Edits() []Edit { return f.edits }

// rewrite sets line i to l, logging the change.
func (f *File) rewrite(i int, l *Line) {
	f.edits = append(f.edits, Edit{At: i, Old: f.Lines[i]})
	f.Lines[i] = l
}

// Remove deletes line i. When it was the last line and had no line ending,
// the new last line loses its ending too, so that removing what Insert
// appended restores the file byte for byte. A byte-order mark on a removed
// first line moves to the new first line: it belongs to the file.
func (f *File) Remove(i int) {
	last := i == len(f.Lines)-1 && f.Lines[i].EOL() == ""
	moveBOM := i == 0 && f.HasBOM()
	f.edits = append(f.edits, Edit{At: i, Added: -1, Old: f.Lines[i]})
	f.Lines = slices.Delete(f.Lines, i, i+1)
	if last && len(f.Lines) > 0 {
		p := f.Lines[len(f.Lines)-1]
		f.rewrite(len(f.Lines)-1, parseLine(strings.TrimSuffix(p.Raw, p.EOL()), len(f.Lines) == 1))
	}
	if moveBOM && len(f.Lines) > 0 {
		f.rewrite(0, parseLine(bom+f.Lines[0].Raw, true))
	}
}

// Text returns line i's bytes without its line ending and without the
// file's byte-order mark: what Replace takes back.
func (f *File) Text(i int) string {
	l := f.Lines[i]
	t := strings.TrimSuffix(l.Raw, l.EOL())
	if i == 0 {
		t = strings.TrimPrefix(t, bom)
	}
	return t
}

// Replace sets line i to text (no line break), keeping the line's ending
// and, on the first line, the file's byte-order mark.
func (f *File) Replace(i int, text string) {
	if strings.Contains(text, "\n") {
		panic(fmt.Sprintf("sshconf: Replace: line contains a line break: %q", text))
	}
	prefix := ""
	if i == 0 && f.HasBOM() {
		prefix = bom
	}
	f.rewrite(i, parseLine(prefix+text+f.Lines[i].EOL(), i == 0))
}

// Insert puts new lines (text without line endings) before line index i;
// i == len(f.Lines) appends. Each gets the file's line ending. Appending to
// a file without a final newline keeps it without one: the old last line
// gets the ending and the new last line goes without.
func (f *File) Insert(i int, texts ...string) {
	if len(texts) == 0 {
		return
	}
	eol := f.EOL()
	noFinal := i == len(f.Lines) && i > 0 && f.Lines[i-1].EOL() == ""
	if noFinal {
		// A last line ending in a lone CR gets "\r\n", not "\n": "\r\n"
		// would read back as its ending, and Remove would then take the
		// CR the file had. OpenSSH drops the extra CR as white space.
		end := eol
		if strings.HasSuffix(f.Lines[i-1].Raw, "\r") {
			end = "\r\n"
		}
		f.rewrite(i-1, parseLine(f.Lines[i-1].Raw+end, i-1 == 0))
	}
	// A byte-order mark stays at the start of the file: the old first
	// line gives it to the new one (a file that is nothing but the mark
	// keeps it where it is).
	moveBOM := i == 0 && f.HasBOM() && f.Lines[0].Raw != bom
	if moveBOM {
		f.rewrite(0, parseLine(strings.TrimPrefix(f.Lines[0].Raw, bom), false))
	}
	lines := make([]*Line, len(texts))
	for k, t := range texts {
		if strings.ContainsAny(t, "\r\n") {
			panic(fmt.Sprintf("sshconf: Insert: line contains a line break: %q", t))
		}
		e := eol
		if noFinal && k == len(texts)-1 {
			e = ""
		}
		if moveBOM && k == 0 {
			t = bom + t
		}
		lines[k] = parseLine(t+e, i+k == 0)
	}
	f.edits = append(f.edits, Edit{At: i, Added: len(lines)})
	f.Lines = slices.Insert(f.Lines, i, lines...) // in place when there is room, one copy else
}

// Style is how a new directive is written: its indentation and the
// separator between keyword and value.
type Style struct {
	Indent string
	Sep    string
}

// Render writes a directive in this style. OpenSSH versions before 8.5
// reject trailing comments, so none is ever written.
func (s Style) Render(key, value string) string {
	return s.Indent + key + s.Sep + value
}

// StyleFor returns the style for a new directive in block b: copied from
// the block's own directives, else from any block of the same kind in the
// file, else four spaces inside a block and none outside, with one space as
// separator.
func (f *File) StyleFor(b Block) Style {
	if st, ok := f.styleIn(b.Start, b.End, b.Header != nil); ok {
		return st
	}
	// The first styled directive of any block of the same kind: blocks are
	// in line order, so a scan of the lines finds it without listing them.
	inBlock := false
	for _, l := range f.Lines {
		if IsHeader(l) {
			inBlock = true
			continue
		}
		if inBlock == (b.Header != nil) && l.Kind == Directive && l.Err() == nil {
			return Style{Indent: l.Indent(), Sep: normalizeSep(l.separator())}
		}
	}
	st := Style{Sep: " "}
	if b.Header != nil {
		st.Indent = "    "
	}
	if sep, ok := f.anySeparator(); ok {
		st.Sep = sep
	}
	return st
}

func (f *File) styleIn(start, end int, skipHeader bool) (Style, bool) {
	for i := start; i < end; i++ {
		l := f.Lines[i]
		if l.Kind != Directive || (skipHeader && i == start) || l.Err() != nil {
			continue
		}
		return Style{Indent: l.Indent(), Sep: normalizeSep(l.separator())}, true
	}
	return Style{}, false
}

func (f *File) anySeparator() (string, bool) {
	for _, l := range f.Lines {
		if l.Kind == Directive && !IsHeader(l) && l.Err() == nil {
			return normalizeSep(l.separator()), true
		}
	}
	return "", false
}

// normalizeSep keeps a separator's character (space, tab, '=' with or
// without a blank on either side) but not a column-alignment run of blanks,
// which would be wrong for another keyword.
func normalizeSep(sep string) string {
	if i := strings.IndexByte(sep, '='); i >= 0 {
		out := "="
		if i > 0 && isBlank(sep[i-1]) {
			out = sep[i-1:i] + out
		}
		if i+1 < len(sep) && isBlank(sep[i+1]) {
			out += sep[i+1 : i+2]
		}
		return out
	}
	if strings.HasPrefix(sep, "\t") {
		return "\t"
	}
	return " "
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' }

package sshconf

import (
	"errors"
	"strings"
)

const bom = "\uFEFF"

// File is a parsed config file: its lines in order.
type File struct {
	// Lines are the file's lines. Change them only through File's methods
	// (Insert, Remove, Replace, SetValue), which log what they do (Edits).
	Lines []*Line
	edits []Edit
}

// Parse splits data into lines and tokenizes each the way OpenSSH does. It
// never fails; see Line.Err for lines OpenSSH would reject.
func Parse(data []byte) *File {
	return ParseString(string(data))
}

// ParseString is Parse for contents held as a string: the lines are
// substrings of s, which is not copied.
func ParseString(s string) *File {
	f := &File{}
	if len(s) == 0 {
		return f
	}
	// One allocation for all lines rather than one per line: a large
	// generated config has hundreds of thousands.
	n := strings.Count(s, "\n")
	if s[len(s)-1] != '\n' {
		n++
	}
	lines := make([]Line, n)
	// Room for the few lines an edit inserts, so that Insert moves the
	// pointers in place rather than copying them all to a new array.
	f.Lines = make([]*Line, n, n+insertRoom)
	nul := strings.IndexByte(s, 0) >= 0 // looked for in each line only if there is one
	if len(s) < parallelFrom {
		parseLines(s, lines, f.Lines, 0, nul)
		return f
	}
	// A large file is parsed in two halves at once, cut at a line break:
	// lines do not depend on each other, and the machine's other core
	// would otherwise wait.
	mid := strings.IndexByte(s[len(s)/2:], '\n') + len(s)/2 + 1
	if mid == len(s)/2 || mid >= len(s) {
		parseLines(s, lines, f.Lines, 0, nul)
		return f
	}
	first := strings.Count(s[:mid], "\n")
	done := make(chan struct{})
	go func() {
		parseLines(s[mid:], lines[first:], f.Lines[first:], first, nul)
		close(done)
	}()
	parseLines(s[:mid], lines[:first], f.Lines[:first], 0, nul)
	<-done
	return f
}

// insertRoom is how many lines a parsed file can gain without its
// line slice being copied.
const insertRoom = 16

// parallelFrom is the size from which ParseString uses two goroutines:
// below it, starting one costs more than it saves.
const parallelFrom = 256 << 10

// parseLines parses s, which holds exactly len(lines) lines, the first of
// them line index first of the file, into lines and ptrs.
func parseLines(s string, lines []Line, ptrs []*Line, first int, nul bool) {
	for i := range lines {
		k := strings.IndexByte(s, '\n') + 1
		if k == 0 {
			k = len(s)
		}
		parseInto(&lines[i], s[:k], first+i == 0, nul)
		ptrs[i] = &lines[i]
		s = s[k:]
	}
}

// Bytes prints the file. An unedited File prints exactly what was parsed.
func (f *File) Bytes() []byte {
	b := make([]byte, 0, f.size())
	for _, l := range f.Lines {
		b = append(b, l.Raw...)
	}
	return b
}

// String is Bytes as a string, built once (not a copy of Bytes).
func (f *File) String() string {
	var b strings.Builder
	b.Grow(f.size())
	for _, l := range f.Lines {
		b.WriteString(l.Raw)
	}
	return b.String()
}

// size is the length of what the file prints.
func (f *File) size() int {
	n := 0
	for _, l := range f.Lines {
		n += len(l.Raw)
	}
	return n
}

// HasBOM reports whether the file starts with a UTF-8 byte-order mark,
// which OpenSSH rejects as part of the first keyword.
func (f *File) HasBOM() bool {
	return len(f.Lines) > 0 && strings.HasPrefix(f.Lines[0].Raw, bom)
}

// EOL returns the file's line ending: that of its first line that has one,
// else "\n".
func (f *File) EOL() string {
	for _, l := range f.Lines {
		if e := l.EOL(); e != "" {
			return e
		}
	}
	return "\n"
}

// isSpace reports whether c is in OpenSSH's WHITESPACE (" \t\r\n"), which
// splits a keyword from its value.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

var (
	errNoArgument = errors.New("no argument after keyword")
	errQuotes     = errors.New("invalid quotes")
)

// parseLine tokenizes one line. The rules follow OpenSSH's readconf.c and
// servconf.c: trailing white space is dropped; the keyword ends at white
// space, '=' or a quote; one '=' may separate keyword and value; arguments
// are split on blanks with "double" and 'single' quotes and backslash
// escapes; a token starting with '#' ends the line. A BOM is not stripped by
// OpenSSH, but we parse past it so a file that has one can still be edited.
func parseLine(raw string, first bool) *Line {
	l := &Line{}
	parseInto(l, raw, first, true)
	return l
}

// parseInto tokenizes raw into *l (see tokenize). nul says whether raw may
// hold a NUL byte.
func parseInto(l *Line, raw string, first, nul bool) {
	kind, fl, sp := tokenize(raw, first, nul)
	*l = Line{Raw: raw, Kind: kind, flags: fl}
	if sp.argEnd > maxShort { // offsets only grow along the line
		l.flags |= longFlag // Line.spans tokenizes it again when asked
		return
	}
	l.keyEnd, l.argStart, l.argEnd = short(sp.keyEnd), short(sp.argStart), short(sp.argEnd)
}

// spans are where a directive's keyword ends and its arguments start and
// end, as byte offsets into its line.
type spans struct{ keyEnd, argStart, argEnd int }

// tokenize finds what a line holds, where its keyword and arguments are
// and whether OpenSSH would object, without copying or splitting
// anything: Line's methods cut those out when asked.
func tokenize(raw string, first, nul bool) (Kind, flags, spans) {
	var fl flags
	var sp spans
	start := 0
	if first && strings.HasPrefix(raw, bom) {
		start = len(bom)
		fl |= bomFlag
	}
	end := len(raw)
	// OpenSSH reads C strings: a NUL byte ends the line.
	if nul {
		if i := strings.IndexByte(raw[start:], 0); i >= 0 {
			end = start + i
		}
	}
	for end > start && (isSpace(raw[end-1]) || raw[end-1] == '\f') {
		end--
	}
	p := start
	for p < end && isSpace(raw[p]) {
		p++
	}
	if p == end {
		return Blank, fl, sp
	}
	if raw[p] == '#' {
		return Comment, fl, sp
	}
	keyStart := p
	fl |= flags(min(keyStart, keyStartUnknown)) << keyStartShift
	for p < end && class[raw[p]]&endsKeyword == 0 {
		p++
	}
	sp.keyEnd = p
	if p == keyStart { // a line starting with '=' or a quote: nothing OpenSSH accepts
		// The whole line is its "keyword".
		return Directive, fl | flags(noArgument), spans{end, end, end}
	}
	p = skipSpace(raw, p, end)
	if p < end && raw[p] == '=' {
		p = skipSpace(raw, p+1, end)
	}
	sp.argStart, sp.argEnd = p, p
	if p == end {
		return Directive, fl | flags(noArgument), sp
	}
	some, argEnd, plain, err := scanArgs(raw, p, end, nil)
	sp.argEnd = argEnd
	if plain {
		fl |= plainFlag
	}
	switch {
	case err != nil:
		fl |= flags(badQuotes)
	case !some:
		fl |= flags(noArgument) // only a comment after the keyword
	}
	return Directive, fl, sp
}

// Byte classes for the tokenizer's inner loops: one table lookup per byte
// instead of a chain of comparisons or a search for each of a few bytes
// (most lines are a dozen bytes, too short for a vectorized search).
const (
	endsKeyword = 1 << iota // white space, '=' or '"'
	special                 // a quote, backslash or '#' among the arguments
)

var class = func() (c [256]uint8) {
	for _, b := range " \t\r\n=\"" {
		c[b] |= endsKeyword
	}
	for _, b := range "\"'\\#" {
		c[b] |= special
	}
	return c
}()

// hasSpecial reports whether s holds a quote, backslash or '#'.
func hasSpecial(s string) bool {
	for i := 0; i < len(s); i++ {
		if class[s[i]]&special != 0 {
			return true
		}
	}
	return false
}

func skipSpace(s string, p, end int) int {
	for p < end && isSpace(s[p]) {
		p++
	}
	return p
}

// scanArgs walks s[p:end] like OpenSSH's argv_split with comments
// terminating the line, appending each argument, unquoted, to *out when
// out is not nil. It reports whether there is an argument, the offset just
// after the last one, and whether none holds a quote or backslash.
func scanArgs(s string, p, end int, out *[]string) (some bool, argEnd int, plain bool, err error) {
	// The common line: no quote, backslash or '#' at all, so every blank-
	// separated field is an argument and the last one ends the line
	// (tokenize dropped the white space after it). s[p] is not a blank.
	if out == nil && p < end && !hasSpecial(s[p:end]) {
		return true, end, true, nil
	}
	plain = true
	argEnd = p
	for p < end {
		if s[p] == ' ' || s[p] == '\t' {
			p++
			continue
		}
		if s[p] == '#' {
			break
		}
		// Most arguments have no quote or escape: they are a substring.
		q := p
		for q < end && s[q] != ' ' && s[q] != '\t' && s[q] != '\\' && s[q] != '"' && s[q] != '\'' {
			q++
		}
		if q == end || s[q] == ' ' || s[q] == '\t' {
			if out != nil {
				*out = append(*out, s[p:q])
			}
			some = true
			p, argEnd = q, q
			continue
		}
		plain = false
		var b *strings.Builder
		if out != nil {
			b = new(strings.Builder)
		}
		var quote byte
		p, quote = quotedArg(s, p, end, b)
		if quote != 0 {
			return some, end, false, errQuotes
		}
		if out != nil {
			*out = append(*out, b.String())
		}
		some = true
		argEnd = p
	}
	return some, argEnd, plain, nil
}

// splitArgs returns the arguments in s[p:end] (see scanArgs); those before
// an unbalanced quote when there is one.
func splitArgs(s string, p, end int) []string {
	var args []string
	scanArgs(s, p, end, &args)
	return args
}

// quotedArg reads one argument holding quotes or escapes from s[p:end],
// writing its unquoted bytes to b when b is not nil. It returns where the
// argument ends and the quote still open there (0 when balanced).
func quotedArg(s string, p, end int, b *strings.Builder) (int, byte) {
	var quote byte
	for ; p < end; p++ {
		c := s[p]
		switch {
		case c == '\\' && p+1 < end && (s[p+1] == '\'' || s[p+1] == '"' || s[p+1] == '\\' || (quote == 0 && s[p+1] == ' ')):
			p++
			if b != nil {
				b.WriteByte(s[p])
			}
			continue
		case quote == 0 && (c == ' ' || c == '\t'):
		case quote == 0 && (c == '"' || c == '\''):
			quote = c
			continue
		case quote != 0 && c == quote:
			quote = 0
			continue
		default:
			if b != nil {
				b.WriteByte(c)
			}
			continue
		}
		break
	}
	return p, quote
}

package sshconf

import "strings"

// Kind says what a line holds.
type Kind uint8

const (
	Blank     Kind = iota // only white space
	Comment               // first token starts with '#'
	Directive             // Keyword arguments...
)

// Line is one line of a config file. Raw holds its exact bytes, line ending
// included; the methods return what OpenSSH's tokenizer sees in it.
//
// A generated config has hundreds of thousands of lines, so a Line holds
// nothing but Raw (a substring of the parsed text, not a copy), three
// 16-bit byte offsets into it and two bytes of flags: the keyword, the
// arguments and the error are cut out of Raw when asked for (24 bytes a
// line, against 96 when they were fields; fewer pointers for the garbage
// collector to follow).
type Line struct {
	Raw string // exact bytes including the line ending

	// Byte offsets into Raw: the end of the keyword (it starts after the
	// indentation), and the span from the first argument to the end of
	// the last one (a trailing comment lies after). A line too long for
	// them (longFlag) is tokenized again when they are needed: no real
	// config has one.
	keyEnd, argStart, argEnd short

	Kind  Kind
	flags flags
}

// short is a byte offset into a line that is not too long for it.
type short = uint16

// maxShort is the largest offset a Line keeps.
const maxShort = 1<<16 - 1

// spans returns the line's offsets (see Line).
func (l *Line) spans() spans {
	if l.flags&longFlag != 0 {
		_, _, sp := tokenize(l.Raw, l.flags&bomFlag != 0, true)
		return sp
	}
	return spans{int(l.keyEnd), int(l.argStart), int(l.argEnd)}
}

// argText returns the bytes from the first argument to the end of the
// last, quotes and escapes as written.
func (l *Line) argText() string {
	sp := l.spans()
	return l.Raw[sp.argStart:sp.argEnd]
}

// flags hold what else the parser found: what OpenSSH would object to,
// whether the arguments are plain (no quote or backslash: Raw's
// blank-separated fields, nothing to unescape), and whether the line
// starts with the file's byte-order mark.
type flags uint8

const (
	errMask   flags = 3 // a lineErr
	plainFlag flags = 1 << 2
	bomFlag   flags = 1 << 3
	longFlag  flags = 1 << 4
	// The top three bits hold the keyword's offset when it is below
	// keyStartUnknown: the common indentations, so that Key need not
	// look for the keyword's start.
	keyStartShift   = 5
	keyStartUnknown = 7
)

func (l *Line) lineErr() lineErr { return lineErr(l.flags & errMask) }
func (l *Line) plain() bool      { return l.flags&plainFlag != 0 }

// keyStart returns the offset of the keyword: after the byte-order mark
// of the file's first line and the indentation.
func (l *Line) keyStart(keyEnd int) int {
	p := 0
	if l.flags&bomFlag != 0 {
		p = len(bom)
	}
	for p < keyEnd && isSpace(l.Raw[p]) {
		p++
	}
	return p
}

// lineErr is what OpenSSH would object to in a line, as a small code.
type lineErr uint8

const (
	noErr lineErr = iota
	noArgument
	badQuotes
)

// Key returns the keyword as written (case kept), or "" for a line that is
// not a directive.
func (l *Line) Key() string {
	if l.Kind != Directive {
		return ""
	}
	if ks := int(l.flags >> keyStartShift); ks != keyStartUnknown && l.flags&longFlag == 0 {
		return l.Raw[ks:l.keyEnd] // the common line
	}
	end := l.spans().keyEnd
	return l.Raw[l.keyStart(end):end]
}

// PlainArgs returns the text of the arguments, from the first to the end
// of the last, when none holds a quote or escape (the arguments are then
// its blank-separated fields); ok is false otherwise.
func (l *Line) PlainArgs() (text string, ok bool) {
	if l.Kind != Directive || !l.plain() {
		return "", false
	}
	return l.argText(), true
}

// Args returns the arguments with quotes and escapes removed, before any
// trailing comment; nil when there are none. Each call splits them anew:
// a caller that needs them twice keeps the slice.
func (l *Line) Args() []string {
	sp := l.spans()
	if l.Kind != Directive || sp.argEnd <= sp.argStart {
		return nil
	}
	if l.plain() {
		return fields(l.Raw[sp.argStart:sp.argEnd])
	}
	return splitArgs(l.Raw, sp.argStart, sp.argEnd)
}

// ArgIter walks a line's arguments one by one, as Args would return
// them, without a slice for the common line whose arguments hold no quote
// or escape. Its zero value has none.
type ArgIter struct {
	rest string   // a plain line's arguments still to walk
	list []string // the others', split by Args
}

// Iter returns an iterator over the arguments.
func (l *Line) Iter() ArgIter {
	if l.plain() {
		return ArgIter{rest: l.argText()}
	}
	return ArgIter{list: l.Args()}
}

// Next returns the next argument, or false when there is none left.
func (it *ArgIter) Next() (string, bool) {
	if it.list != nil {
		if len(it.list) == 0 {
			return "", false
		}
		a := it.list[0]
		it.list = it.list[1:]
		return a, true
	}
	s := it.rest
	i := 0
	for i < len(s) && isBlank(s[i]) {
		i++
	}
	j := i
	for j < len(s) && !isBlank(s[j]) {
		j++
	}
	it.rest = s[j:]
	return s[i:j], j > i
}

// NArg returns the number of arguments, splitting them only when they hold
// quotes or escapes.
func (l *Line) NArg() int { return l.Iter().count() }

// Arg0 returns the first argument, or "" when there is none.
func (l *Line) Arg0() string {
	it := l.Iter()
	a, _ := it.Next()
	return a
}

// Err returns what OpenSSH would object to (unbalanced quotes, no
// argument), or nil. The line is kept as it is either way.
func (l *Line) Err() error {
	switch l.lineErr() {
	case noArgument:
		return errNoArgument
	case badQuotes:
		return errQuotes
	}
	return nil
}

// Canon returns the keyword in lower case, the way OpenSSH compares it.
func (l *Line) Canon() string { return strings.ToLower(l.Key()) }

// Is reports whether the line is a directive with keyword key, compared
// case-insensitively.
func (l *Line) Is(key string) bool {
	return l.Kind == Directive && strings.EqualFold(l.Key(), key)
}

// Value returns the arguments joined by single spaces.
func (l *Line) Value() string {
	if l.plain() {
		s := l.argText()
		if !strings.Contains(s, "  ") && !strings.ContainsRune(s, '\t') {
			return s // already single-spaced: no copy
		}
	}
	return strings.Join(l.Args(), " ")
}

// EOL returns the line's ending: "\n", "\r\n" or "" for a last line
// without one.
func (l *Line) EOL() string {
	switch {
	case strings.HasSuffix(l.Raw, "\r\n"):
		return "\r\n"
	case strings.HasSuffix(l.Raw, "\n"):
		return "\n"
	}
	return ""
}

// Indent returns the white space before the keyword or comment.
func (l *Line) Indent() string {
	body := strings.TrimPrefix(l.Raw, bom)
	n := len(body) - len(strings.TrimLeft(body, " \t"))
	return body[:n]
}

// separator returns the bytes between keyword and first argument
// (" ", "\t", "=", " = ", ...).
func (l *Line) separator() string {
	sp := l.spans()
	if l.Kind != Directive || sp.argStart < sp.keyEnd {
		return ""
	}
	return l.Raw[sp.keyEnd:sp.argStart]
}

// HasTrailingComment reports whether a '#' comment follows the arguments.
func (l *Line) HasTrailingComment() bool {
	if l.Kind != Directive {
		return false
	}
	rest := strings.TrimSpace(l.Raw[l.spans().argEnd:])
	return strings.HasPrefix(rest, "#")
}

// fields splits s on blanks (spaces and tabs), as OpenSSH splits
// arguments that hold no quote or escape.
func fields(s string) []string {
	it := ArgIter{rest: s}
	n := it.count()
	if n == 0 {
		return nil
	}
	out := make([]string, 0, n)
	for a, ok := it.Next(); ok; a, ok = it.Next() {
		out = append(out, a)
	}
	return out
}

// count returns how many arguments are left, leaving it as it is.
func (it ArgIter) count() (n int) {
	for _, ok := it.Next(); ok; _, ok = it.Next() {
		n++
	}
	return n
}

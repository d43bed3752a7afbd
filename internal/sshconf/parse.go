package sshconf

import (
	"errors"
	"strings"
)

const bom = "\uFEFF"

// File is a parsed config file: its lines in order.
type File struct {
	Lines []*Line
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
	// One allocation for all lines and few for all arguments, rather than
	// one per line and per argument: a large generated config has a
	// hundred thousand lines.
	n := strings.Count(s, "\n")
	if s[len(s)-1] != '\n' {
		n++
	}
	lines := make([]Line, n)
	f.Lines = make([]*Line, n)
	ps := parser{chunk: true}
	for i := range lines {
		k := strings.IndexByte(s, '\n') + 1
		if k == 0 {
			k = len(s)
		}
		ps.line(&lines[i], s[:k], i == 0)
		f.Lines[i] = &lines[i]
		s = s[k:]
	}
	return f
}

// Bytes prints the file. An unedited File prints exactly what was parsed.
func (f *File) Bytes() []byte {
	n := 0
	for _, l := range f.Lines {
		n += len(l.Raw)
	}
	b := make([]byte, 0, n)
	for _, l := range f.Lines {
		b = append(b, l.Raw...)
	}
	return b
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
	var ps parser
	ps.line(l, raw, first)
	return l
}

// parser holds what consecutive lines can share: with chunk set, a chunk
// of memory that their Args slices are cut from.
type parser struct {
	chunk bool
	args  []string
}

// argChunk is how many arguments a parser allocates at a time.
const argChunk = 256

func (ps *parser) line(l *Line, raw string, first bool) {
	*l = Line{Raw: raw}
	start := 0
	if first && strings.HasPrefix(raw, bom) {
		start = len(bom)
	}
	end := len(raw)
	// OpenSSH reads C strings: a NUL byte ends the line.
	if i := strings.IndexByte(raw[start:], 0); i >= 0 {
		end = start + i
	}
	for end > start && (isSpace(raw[end-1]) || raw[end-1] == '\f') {
		end--
	}
	p := start
	for p < end && isSpace(raw[p]) {
		p++
	}
	if p == end {
		l.Kind = Blank
		return
	}
	if raw[p] == '#' {
		l.Kind = Comment
		return
	}
	l.Kind = Directive
	l.keyStart = offset(p)
	for p < end && !isSpace(raw[p]) && raw[p] != '=' && raw[p] != '"' {
		p++
	}
	l.keyEnd = offset(p)
	l.Key = raw[l.keyStart:l.keyEnd]
	if l.Key == "" { // a line starting with '=' or a quote: nothing OpenSSH accepts
		l.Key = raw[p:end]
		l.keyEnd = offset(end)
		l.argStart, l.argEnd = offset(end), offset(end)
		l.Err = errNoArgument
		return
	}
	p = skipSpace(raw, p, end)
	if p < end && raw[p] == '=' {
		p = skipSpace(raw, p+1, end)
	}
	l.argStart, l.argEnd = offset(p), offset(p)
	if p == end {
		l.Err = errNoArgument
		return
	}
	if ps.chunk && cap(ps.args)-len(ps.args) < 8 {
		ps.args = make([]string, 0, argChunk) // a new chunk rather than a copy of the full one
	}
	n0 := len(ps.args)
	args, argEnd, err := splitArgs(raw, p, end, ps.args)
	l.argEnd, l.Err = offset(argEnd), err
	if len(args) > n0 {
		l.Args = args[n0:len(args):len(args)] // full slice: an append by a caller cannot reach the next line's
	}
	ps.args = args
	if len(l.Args) == 0 && l.Err == nil {
		l.Err = errNoArgument // only a comment after the keyword
	}
}

func skipSpace(s string, p, end int) int {
	for p < end && isSpace(s[p]) {
		p++
	}
	return p
}

// splitArgs splits s[p:end] into arguments like OpenSSH's argv_split with
// comments terminating the line, appending them to args. It returns the
// offset just after the last argument.
func splitArgs(s string, p, end int, args []string) (_ []string, argEnd int, err error) {
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
			args = append(args, s[p:q])
			p, argEnd = q, q
			continue
		}
		var b strings.Builder
		var quote byte
		for ; p < end; p++ {
			c := s[p]
			switch {
			case c == '\\' && p+1 < end && (s[p+1] == '\'' || s[p+1] == '"' || s[p+1] == '\\' || (quote == 0 && s[p+1] == ' ')):
				p++
				b.WriteByte(s[p])
				continue
			case quote == 0 && (c == ' ' || c == '\t'):
			case quote == 0 && (c == '"' || c == '\''):
				quote = c
				continue
			case quote != 0 && c == quote:
				quote = 0
				continue
			default:
				b.WriteByte(c)
				continue
			}
			break
		}
		if quote != 0 {
			return args, end, errQuotes
		}
		args = append(args, b.String())
		argEnd = p
	}
	return args, argEnd, nil
}

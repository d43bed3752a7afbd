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
	f := &File{}
	s := string(data)
	for len(s) > 0 {
		n := strings.IndexByte(s, '\n') + 1
		if n == 0 {
			n = len(s)
		}
		f.Lines = append(f.Lines, parseLine(s[:n], len(f.Lines) == 0))
		s = s[n:]
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

// whitespace is OpenSSH's WHITESPACE for splitting a keyword from its value.
const whitespace = " \t\r\n"

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
	l := &Line{Raw: raw}
	start := 0
	if first && strings.HasPrefix(raw, bom) {
		start = len(bom)
	}
	end := len(raw)
	// OpenSSH reads C strings: a NUL byte ends the line.
	if i := strings.IndexByte(raw[start:], 0); i >= 0 {
		end = start + i
	}
	for end > start && strings.IndexByte(whitespace+"\f", raw[end-1]) >= 0 {
		end--
	}
	p := start
	for p < end && strings.IndexByte(whitespace, raw[p]) >= 0 {
		p++
	}
	if p == end {
		l.Kind = Blank
		return l
	}
	if raw[p] == '#' {
		l.Kind = Comment
		return l
	}
	l.Kind = Directive
	l.keyStart = p
	for p < end && strings.IndexByte(whitespace+"=\"", raw[p]) < 0 {
		p++
	}
	l.keyEnd = p
	l.Key = raw[l.keyStart:l.keyEnd]
	if l.Key == "" { // a line starting with '=' or a quote: nothing OpenSSH accepts
		l.Key = raw[p:end]
		l.keyEnd = end
		l.argStart, l.argEnd = end, end
		l.Err = errNoArgument
		return l
	}
	p = skipSpace(raw, p, end)
	if p < end && raw[p] == '=' {
		p = skipSpace(raw, p+1, end)
	}
	l.argStart, l.argEnd = p, p
	if p == end {
		l.Err = errNoArgument
		return l
	}
	l.Args, l.argEnd, l.Err = splitArgs(raw, p, end)
	if len(l.Args) == 0 && l.Err == nil {
		l.Err = errNoArgument // only a comment after the keyword
	}
	return l
}

func skipSpace(s string, p, end int) int {
	for p < end && strings.IndexByte(whitespace, s[p]) >= 0 {
		p++
	}
	return p
}

// splitArgs splits s[p:end] into arguments like OpenSSH's argv_split with
// comments terminating the line. It returns the offset just after the last
// argument.
func splitArgs(s string, p, end int) (args []string, argEnd int, err error) {
	argEnd = p
	for p < end {
		if s[p] == ' ' || s[p] == '\t' {
			p++
			continue
		}
		if s[p] == '#' {
			break
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

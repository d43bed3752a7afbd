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
// included; the other fields are what OpenSSH's tokenizer sees in it.
type Line struct {
	Raw string // exact bytes including the line ending

	// For a Directive:
	Key  string   // keyword as written (case kept)
	Args []string // arguments with quotes and escapes removed, before any trailing comment

	// Err is what OpenSSH would object to (unbalanced quotes, no argument),
	// or nil. The line is kept as it is either way.
	Err error

	// Byte offsets into Raw: the keyword, and the span from the first
	// argument to the end of the last one (a trailing comment lies after).
	// 32 bits, as Kind 8, keep a line small: a generated config has
	// hundreds of thousands.
	keyStart, keyEnd offset
	argStart, argEnd offset

	Kind Kind
}

// offset is a byte offset into a line (Parse's input is far below 2 GiB).
type offset = int32

// Canon returns the keyword in lower case, the way OpenSSH compares it.
func (l *Line) Canon() string { return strings.ToLower(l.Key) }

// Is reports whether the line is a directive with keyword key, compared
// case-insensitively.
func (l *Line) Is(key string) bool {
	return l.Kind == Directive && strings.EqualFold(l.Key, key)
}

// Value returns the arguments joined by single spaces.
func (l *Line) Value() string { return strings.Join(l.Args, " ") }

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
	if l.Kind != Directive || l.argStart < l.keyEnd {
		return ""
	}
	return l.Raw[l.keyEnd:l.argStart]
}

// HasTrailingComment reports whether a '#' comment follows the arguments.
func (l *Line) HasTrailingComment() bool {
	if l.Kind != Directive {
		return false
	}
	rest := strings.TrimSpace(l.Raw[l.argEnd:])
	return strings.HasPrefix(rest, "#")
}

package placement

import (
	"slices"
	"strconv"
	"strings"

	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// Every line keepalive adds to or changes in an OpenSSH config gets a
// marker: a whole-line comment directly above it (OpenSSH has no other
// kind of comment that all its versions accept). It says that the line is
// keepalive's and what was there before, so that `disable`, on any
// machine the file is copied to, can take out exactly what keepalive did:
//
//	# keepalive: added "ServerAliveInterval 60"
//	# keepalive: changed "  ServerAliveInterval 120" to "ServerAliveInterval 60"
//	# keepalive: added "Host *" and the blank line above
//	# keepalive: added "Host web" and the blank line after its block
//
// Quoted texts are in Go's double-quoted syntax (strconv.Quote), so that
// tabs, quotes and any other byte round-trip. "added" records what
// keepalive wrote; "changed" records the line before, as its exact bytes
// without the line ending (disable puts them back), and what keepalive
// wrote. What keepalive wrote is shown without its indentation, which the
// marker itself has. A line that no longer says what keepalive wrote was edited by
// someone since: it is theirs, and disable leaves it.

const markerPrefix = "# keepalive: "

// CreatedMarker is the first line of a config file that keepalive created
// (one that did not exist when enable or server ran). When disable has
// taken out everything else, the file goes again, as before; a file with
// anything more, or without this exact first line, is the user's and
// stays, even an empty one.
const CreatedMarker = markerPrefix + "created this file"

// createdByKeepalive reports whether f starts with CreatedMarker.
func createdByKeepalive(f *sshconf.File) bool {
	return len(f.Lines) > 0 && f.Lines[0].Kind == sshconf.Comment && strings.TrimRight(f.Text(0), "\r") == CreatedMarker
}

// onlyCreatedMarker reports whether f holds nothing but CreatedMarker.
func onlyCreatedMarker(f *sshconf.File) bool {
	return len(f.Lines) == 1 && createdByKeepalive(f)
}

// Marker is keepalive's note about the line below it.
type Marker struct {
	// Was is the line before keepalive changed it; Added means there was
	// none.
	Was   string
	Added bool
	// Now is the line as keepalive wrote it.
	Now string
	// BlankAbove: keepalive also added the blank line above the marker.
	// BlankAfter: keepalive also added the blank line that follows the
	// block this header starts.
	BlankAbove, BlankAfter bool
}

const (
	suffixBlankAbove = " and the blank line above"
	suffixBlankAfter = " and the blank line after its block"
)

// Text renders the marker, indented like the line it marks.
func (m Marker) Text(indent string) string {
	var b strings.Builder
	b.WriteString(indent + markerPrefix)
	if m.Added {
		b.WriteString("added " + strconv.Quote(m.Now))
	} else {
		b.WriteString("changed " + strconv.Quote(m.Was) + " to " + strconv.Quote(m.Now))
	}
	if m.BlankAbove {
		b.WriteString(suffixBlankAbove)
	}
	if m.BlankAfter {
		b.WriteString(suffixBlankAfter)
	}
	return b.String()
}

// ParseMarker reads a marker line (its text without the line ending).
func ParseMarker(text string) (Marker, bool) {
	s := strings.TrimLeft(strings.TrimPrefix(text, "\uFEFF"), " \t")
	s = strings.TrimRight(s, " \t\r")
	rest, ok := strings.CutPrefix(s, markerPrefix)
	if !ok {
		return Marker{}, false
	}
	var m Marker
	quoted := func() (string, bool) {
		q, err := strconv.QuotedPrefix(rest)
		if err != nil || !strings.HasPrefix(q, `"`) {
			return "", false
		}
		v, err := strconv.Unquote(q)
		if err != nil || strings.Contains(v, "\n") {
			return "", false
		}
		rest = rest[len(q):]
		return v, true
	}
	switch {
	case strings.HasPrefix(rest, "added "):
		rest = rest[len("added "):]
		m.Added = true
		if m.Now, ok = quoted(); !ok {
			return Marker{}, false
		}
	case strings.HasPrefix(rest, "changed "):
		rest = rest[len("changed "):]
		if m.Was, ok = quoted(); !ok {
			return Marker{}, false
		}
		if rest, ok = strings.CutPrefix(rest, " to "); !ok {
			return Marker{}, false
		}
		if m.Now, ok = quoted(); !ok {
			return Marker{}, false
		}
	default:
		return Marker{}, false
	}
	if r, ok := strings.CutPrefix(rest, suffixBlankAbove); ok {
		m.BlankAbove, rest = true, r
	}
	if r, ok := strings.CutPrefix(rest, suffixBlankAfter); ok {
		m.BlankAfter, rest = true, r
	}
	if rest != "" {
		return Marker{}, false
	}
	return m, true
}

// markerOf returns the marker directly above line i of f.
func markerOf(f *sshconf.File, i int) (Marker, bool) {
	if i <= 0 || i >= len(f.Lines) || f.Lines[i-1].Kind != sshconf.Comment {
		return Marker{}, false
	}
	return ParseMarker(f.Text(i - 1))
}

// holds reports whether line i still says what marker m says keepalive
// wrote: the same bytes, or the same keyword and arguments (a line
// re-indented or re-spaced by hand is still keepalive's value).
func holds(f *sshconf.File, i int, m Marker) bool {
	if strings.TrimLeft(f.Text(i), " \t") == m.Now {
		return true
	}
	l := f.Lines[i]
	w := sshconf.Parse([]byte(m.Now))
	if len(w.Lines) != 1 || l.Kind != sshconf.Directive {
		return false
	}
	n := w.Lines[0]
	return n.Kind == sshconf.Directive && strings.EqualFold(n.Key(), l.Key()) && slices.Equal(n.Args(), l.Args())
}

// insertMarked inserts text at index at with its marker above it and
// returns the index of text's line.
func insertMarked(f *sshconf.File, at int, text string, m Marker) int {
	indent := sshconf.Parse([]byte(text)).Lines[0].Indent()
	m.Added, m.Now = true, strings.TrimPrefix(text, indent)
	f.Insert(at, m.Text(indent), text)
	return at + 1
}

// setMarked gives directive i the value and records keepalive's change in
// its marker: a line keepalive added or changed and nobody edited since
// keeps its marker's record of what was there first; any other line gets a
// marker saying what it was. It returns the line's new index.
func setMarked(f *sshconf.File, i int, value string) int {
	old := f.Text(i)
	f.SetValue(i, value)
	now := strings.TrimPrefix(f.Text(i), f.Lines[i].Indent())
	if old == f.Text(i) {
		return i
	}
	if m, ok := markerOf(f, i); ok {
		prev := sshconf.Parse([]byte(old)).Lines[0]
		if holds(&sshconf.File{Lines: []*sshconf.Line{prev}}, 0, m) {
			m.Now = now
		} else { // the user's own edit of keepalive's line: that is what was there
			m = Marker{Was: old, Now: now}
		}
		f.Replace(i-1, m.Text(f.Lines[i].Indent()))
		return i
	}
	f.Insert(i, Marker{Was: old, Now: now}.Text(f.Lines[i].Indent()))
	return i + 1
}

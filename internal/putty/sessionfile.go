package putty

import (
	"bytes"
	"strconv"
	"strings"
)

// A session file on Unix is Key=Value lines. PuTTY reads a line as the key
// up to the first '=' and the value up to the first CR or LF (lines without
// '=' are ignored), keys are case-sensitive, and when a key appears twice
// the first one wins (open_settings_r adds lines to a tree that keeps the
// first of equal keys). PuTTY itself writes LF line endings, but a file
// copied from Windows may have CRLF, which PuTTY reads just as well.
//
// Editing changes only the value bytes of the first PingInterval and
// PingIntervalSecs lines; every other byte stays.

// fileLine is one line of a session file, as byte offsets into the file.
type fileLine struct {
	key        string
	valueStart int // just after '='; -1 when the line has no '='
	valueEnd   int // before the first CR or LF after valueStart
}

// parseLines splits a session file into lines.
func parseLines(data []byte) []fileLine {
	var lines []fileLine
	for start := 0; start < len(data); {
		end := len(data)
		if i := bytes.IndexByte(data[start:], '\n'); i >= 0 {
			end = start + i + 1
		}
		l := fileLine{valueStart: -1, valueEnd: -1}
		if eq := bytes.IndexByte(data[start:end], '='); eq >= 0 {
			l.key = string(data[start : start+eq])
			l.valueStart = start + eq + 1
			l.valueEnd = end
			if i := bytes.IndexAny(data[l.valueStart:end], "\r\n"); i >= 0 {
				l.valueEnd = l.valueStart + i
			}
		}
		lines = append(lines, l)
		start = end
	}
	return lines
}

// findKey returns the index of the line PuTTY takes key from, or -1.
func findKey(lines []fileLine, key string) int {
	for i, l := range lines {
		if l.valueStart >= 0 && l.key == key {
			return i
		}
	}
	return -1
}

// readKeepAlive reads a session file's keep-alive into s.
func readKeepAlive(data []byte, s *Session) {
	lines := parseLines(data)
	if i := findKey(lines, keyMinutes); i >= 0 {
		s.KeepAlive.Minutes = atoi(string(data[lines[i].valueStart:lines[i].valueEnd]))
		s.MinutesLine = i + 1
	}
	if i := findKey(lines, keySeconds); i >= 0 {
		s.KeepAlive.Seconds = atoi(string(data[lines[i].valueStart:lines[i].valueEnd]))
		s.SecondsLine = i + 1
	}
}

// setKeepAlive returns data with PingInterval=0 and PingIntervalSecs=seconds,
// or data itself when PuTTY would already read that interval. A line whose
// value already reads as wanted is left alone (" 0" stays " 0"); a missing
// key is appended at the end with the file's line ending.
func setKeepAlive(data []byte, seconds int) []byte {
	var cur Session
	readKeepAlive(data, &cur)
	if cur.KeepAlive.Interval() == seconds {
		return data
	}
	lines := parseLines(data)
	want := []struct {
		key   string
		value int
	}{{keyMinutes, 0}, {keySeconds, seconds}}

	// Edits in place, in file order (PingIntervalSecs may come first).
	type edit struct {
		start, end int
		value      string
	}
	var edits []edit
	var missing []string
	for _, w := range want {
		i := findKey(lines, w.key)
		if i < 0 {
			missing = append(missing, w.key+"="+strconv.Itoa(w.value))
			continue
		}
		l := lines[i]
		if atoi(string(data[l.valueStart:l.valueEnd])) != w.value {
			edits = append(edits, edit{l.valueStart, l.valueEnd, strconv.Itoa(w.value)})
		}
	}
	if len(edits) == 2 && edits[0].start > edits[1].start {
		edits[0], edits[1] = edits[1], edits[0]
	}
	out := make([]byte, 0, len(data)+48)
	pos := 0
	for _, e := range edits {
		out = append(out, data[pos:e.start]...)
		out = append(out, e.value...)
		pos = e.end
	}
	out = append(out, data[pos:]...)

	if len(missing) > 0 {
		eol := lineEnding(data)
		out = endLastLine(out, eol)
		for _, m := range missing {
			out = append(out, m...)
			out = append(out, eol...)
		}
	}
	return out
}

// lineEnding is the file's line ending, judged by its first line: CRLF for
// a file that came from Windows, else LF as PuTTY writes.
func lineEnding(data []byte) string {
	if i := bytes.IndexByte(data, '\n'); i > 0 && data[i-1] == '\r' {
		return "\r\n"
	}
	return "\n"
}

// keyRecord is the setting in which keepalive records, in a session file,
// what the keep-alive was before it changed it, so that `disable --putty`
// can put that back. PuTTY looks settings up by name and ignores any it
// does not know (settings.c reads each setting it wants from the file's
// key tree), and it drops them when it saves the session itself: a session
// saved in PuTTY since is the user's again. The value is
//
//	KeepaliveWas=MINUTES,SECONDS,SET
//
// MINUTES and SECONDS are the previous PingInterval and PingIntervalSecs
// values, each Go-quoted ("1") or - when the line was absent; SET is the
// interval in seconds keepalive wrote.
const keyRecord = "KeepaliveWas"

// record is a parsed KeepaliveWas value.
type record struct {
	minutes, seconds       string
	hasMinutes, hasSeconds bool
	set                    int
}

func (r record) String() string {
	q := func(has bool, v string) string {
		if !has {
			return "-"
		}
		return strconv.Quote(v)
	}
	return q(r.hasMinutes, r.minutes) + "," + q(r.hasSeconds, r.seconds) + "," + strconv.Itoa(r.set)
}

func parseRecord(v string) (record, bool) {
	var r record
	field := func() (string, bool, bool) {
		if rest, ok := strings.CutPrefix(v, "-,"); ok {
			v = rest
			return "", false, true
		}
		q, err := strconv.QuotedPrefix(v)
		if err != nil {
			return "", false, false
		}
		s, err := strconv.Unquote(q)
		rest, ok := strings.CutPrefix(v[len(q):], ",")
		if err != nil || !ok {
			return "", false, false
		}
		v = rest
		return s, true, true
	}
	var ok bool
	if r.minutes, r.hasMinutes, ok = field(); !ok {
		return record{}, false
	}
	if r.seconds, r.hasSeconds, ok = field(); !ok {
		return record{}, false
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return record{}, false
	}
	r.set = n
	return r, true
}

// value returns the raw value of key's first line, and whether there is one.
func value(data []byte, key string) (string, bool) {
	lines := parseLines(data)
	if i := findKey(lines, key); i >= 0 {
		return string(data[lines[i].valueStart:lines[i].valueEnd]), true
	}
	return "", false
}

// setValue gives key's first line the value, or appends a line.
func setValue(data []byte, key, v string) []byte {
	lines := parseLines(data)
	if i := findKey(lines, key); i >= 0 {
		l := lines[i]
		out := append([]byte{}, data[:l.valueStart]...)
		out = append(out, v...)
		return append(out, data[l.valueEnd:]...)
	}
	eol := lineEnding(data)
	out := endLastLine(append([]byte{}, data...), eol)
	out = append(out, key+"="+v...)
	return append(out, eol...)
}

// removeKey removes key's first line.
func removeKey(data []byte, key string) []byte {
	for start := 0; start < len(data); {
		end := len(data)
		if i := bytes.IndexByte(data[start:], '\n'); i >= 0 {
			end = start + i + 1
		}
		if eq := bytes.IndexByte(data[start:end], '='); eq >= 0 && string(data[start:start+eq]) == key {
			return append(append([]byte{}, data[:start]...), data[end:]...)
		}
		start = end
	}
	return data
}

// readRecord returns the session's KeepaliveWas record.
func readRecord(data []byte) (record, bool) {
	v, ok := value(data, keyRecord)
	if !ok {
		return record{}, false
	}
	return parseRecord(v)
}

// setKeepAliveRecorded is setKeepAlive that also records, in KeepaliveWas,
// what the values were before keepalive first changed them; a record whose
// SET no longer matches the session (changed since) is replaced by one of
// the values now.
func setKeepAliveRecorded(data []byte, seconds int) []byte {
	var cur Session
	readKeepAlive(data, &cur)
	if cur.KeepAlive.Interval() == seconds {
		return data
	}
	rec, ok := readRecord(data)
	if !ok || rec.set != cur.KeepAlive.Interval() {
		rec = record{}
		rec.minutes, rec.hasMinutes = value(data, keyMinutes)
		rec.seconds, rec.hasSeconds = value(data, keySeconds)
	}
	rec.set = seconds
	return setValue(setKeepAlive(data, seconds), keyRecord, rec.String())
}

// Undo outcomes.
const (
	undoNone     = iota // no record: the keep-alive is not keepalive's
	undoEdited          // a record, but the session changed since: the user's
	undoRestored        // the previous values are back
)

// undoKeepAlive puts back what KeepaliveWas recorded, when the session
// still has the keep-alive keepalive set, and removes the record.
func undoKeepAlive(data []byte) ([]byte, int) {
	rec, ok := readRecord(data)
	if !ok {
		return data, undoNone
	}
	var cur Session
	readKeepAlive(data, &cur)
	if cur.KeepAlive.Interval() != rec.set {
		return removeKey(data, keyRecord), undoEdited
	}
	out := data
	for _, k := range []struct {
		key, v string
		has    bool
	}{{keyMinutes, rec.minutes, rec.hasMinutes}, {keySeconds, rec.seconds, rec.hasSeconds}} {
		if k.has {
			out = setValue(out, k.key, k.v)
		} else {
			out = removeKey(out, k.key)
		}
	}
	return removeKey(out, keyRecord), undoRestored
}

// endLastLine ends an unterminated last line with eol, so that a line can
// be added after it; a CR already there is the first half of a CRLF.
func endLastLine(out []byte, eol string) []byte {
	if len(out) == 0 || out[len(out)-1] == '\n' {
		return out
	}
	if eol == "\r\n" && out[len(out)-1] == '\r' {
		return append(out, '\n')
	}
	return append(out, eol...)
}

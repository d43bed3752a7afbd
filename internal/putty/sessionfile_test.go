package putty

import (
	"bytes"
	"strings"
	"testing"
)

func TestReadKeepAlive(t *testing.T) {
	for _, tt := range []struct {
		name     string
		in       string
		want     KeepAlive
		min, sec int // lines
	}{
		{"absent", "HostName=h\n", KeepAlive{}, 0, 0},
		{"both", "HostName=h\nPingInterval=1\nPingIntervalSecs=30\n", KeepAlive{1, 30}, 2, 3},
		{"legacy minutes only", "PingInterval=5\n", KeepAlive{5, 0}, 1, 0},
		{"crlf", "PingInterval=0\r\nPingIntervalSecs=45\r\n", KeepAlive{0, 45}, 1, 2},
		{"no final newline", "PingIntervalSecs=9", KeepAlive{0, 9}, 0, 1},
		{"first wins", "PingIntervalSecs=1\nPingIntervalSecs=2\n", KeepAlive{0, 1}, 0, 1},
		{"case-sensitive keys", "pingintervalsecs=7\nPINGINTERVAL=1\n", KeepAlive{}, 0, 0},
		{"no = is no key", "PingIntervalSecs\nPingIntervalSecs=3\n", KeepAlive{0, 3}, 0, 2},
		{"space before = is part of the key", "PingIntervalSecs =3\n", KeepAlive{}, 0, 0},
		{"atoi: leading space", "PingIntervalSecs= 12\n", KeepAlive{0, 12}, 0, 1},
		{"atoi: trailing junk", "PingIntervalSecs=12s\n", KeepAlive{0, 12}, 0, 1},
		{"atoi: not a number", "PingIntervalSecs=abc\n", KeepAlive{}, 0, 1},
		{"atoi: empty", "PingIntervalSecs=\n", KeepAlive{}, 0, 1},
		{"atoi: negative", "PingIntervalSecs=-5\n", KeepAlive{0, -5}, 0, 1},
		{"atoi: plus", "PingIntervalSecs=+5\n", KeepAlive{0, 5}, 0, 1},
		{"atoi: clamped", "PingIntervalSecs=99999999999\n", KeepAlive{0, 1<<31 - 1}, 0, 1},
		{"value cut at CR", "PingIntervalSecs=4\r5\n", KeepAlive{0, 4}, 0, 1},
	} {
		var s Session
		readKeepAlive([]byte(tt.in), &s)
		if s.KeepAlive != tt.want || s.MinutesLine != tt.min || s.SecondsLine != tt.sec {
			t.Errorf("%s: got %+v lines %d,%d; want %+v lines %d,%d", tt.name, s.KeepAlive, s.MinutesLine, s.SecondsLine, tt.want, tt.min, tt.sec)
		}
	}
	if got := (KeepAlive{Minutes: 1, Seconds: 1}).Interval(); got != 61 {
		t.Errorf("1 min + 1 s = %d, want 61 (PuTTY adds them)", got)
	}
}

func TestSetKeepAlive(t *testing.T) {
	for _, tt := range []struct {
		name    string
		in      string
		seconds int
		want    string
	}{
		{
			name:    "legacy minutes",
			in:      "HostName=h\nPingInterval=1\nPingIntervalSecs=0\nTCPNoDelay=1\n",
			seconds: 1,
			want:    "HostName=h\nPingInterval=0\nPingIntervalSecs=1\nTCPNoDelay=1\n",
		},
		{
			name:    "only seconds change",
			in:      "PingInterval=0\nPingIntervalSecs=30\n",
			seconds: 300,
			want:    "PingInterval=0\nPingIntervalSecs=300\n",
		},
		{
			name:    "a zero that reads as zero stays",
			in:      "PingInterval= 0\nPingIntervalSecs=30\n",
			seconds: 60,
			want:    "PingInterval= 0\nPingIntervalSecs=60\n",
		},
		{
			name:    "crlf kept",
			in:      "HostName=h\r\nPingInterval=2\r\nPingIntervalSecs=0\r\nX=1\r\n",
			seconds: 300,
			want:    "HostName=h\r\nPingInterval=0\r\nPingIntervalSecs=300\r\nX=1\r\n",
		},
		{
			name:    "missing keys appended",
			in:      "HostName=h\nPortNumber=22\n",
			seconds: 300,
			want:    "HostName=h\nPortNumber=22\nPingInterval=0\nPingIntervalSecs=300\n",
		},
		{
			name:    "missing keys appended with crlf",
			in:      "HostName=h\r\nPortNumber=22\r\n",
			seconds: 300,
			want:    "HostName=h\r\nPortNumber=22\r\nPingInterval=0\r\nPingIntervalSecs=300\r\n",
		},
		{
			name:    "one key missing",
			in:      "PingInterval=1\nHostName=h\n",
			seconds: 30,
			want:    "PingInterval=0\nHostName=h\nPingIntervalSecs=30\n",
		},
		{
			name:    "no final newline",
			in:      "HostName=h",
			seconds: 5,
			want:    "HostName=h\nPingInterval=0\nPingIntervalSecs=5\n",
		},
		{
			name:    "no final newline on an edited line",
			in:      "PingInterval=0\nPingIntervalSecs=9",
			seconds: 5,
			want:    "PingInterval=0\nPingIntervalSecs=5",
		},
		{
			name:    "empty file",
			in:      "",
			seconds: 300,
			want:    "PingInterval=0\nPingIntervalSecs=300\n",
		},
		{
			name:    "seconds before minutes",
			in:      "PingIntervalSecs=0\nA=1\nPingInterval=5\n",
			seconds: 10,
			want:    "PingIntervalSecs=10\nA=1\nPingInterval=0\n",
		},
		{
			name:    "only the first of duplicates, which PuTTY reads",
			in:      "PingIntervalSecs=1\nPingInterval=0\nPingIntervalSecs=2\n",
			seconds: 3,
			want:    "PingIntervalSecs=3\nPingInterval=0\nPingIntervalSecs=2\n",
		},
		{
			name:    "other case is another key",
			in:      "pingintervalsecs=7\n",
			seconds: 7,
			want:    "pingintervalsecs=7\nPingInterval=0\nPingIntervalSecs=7\n",
		},
		{
			name:    "junk after the value goes with it, the line ending stays",
			in:      "PingIntervalSecs=12 # old\r\n",
			seconds: 20,
			want:    "PingIntervalSecs=20\r\nPingInterval=0\r\n",
		},
		{
			name:    "disable",
			in:      "PingInterval=1\nPingIntervalSecs=5\n",
			seconds: 0,
			want:    "PingInterval=0\nPingIntervalSecs=0\n",
		},
		{
			name:    "values with = in them are untouched",
			in:      "Environment=A=1\nPingIntervalSecs=1\nProxyTelnetCommand=connect %host %port\\n\n",
			seconds: 2,
			want:    "Environment=A=1\nPingIntervalSecs=2\nProxyTelnetCommand=connect %host %port\\n\nPingInterval=0\n",
		},
	} {
		got := setKeepAlive([]byte(tt.in), tt.seconds)
		if string(got) != tt.want {
			t.Errorf("%s:\n in  %q\n got %q\nwant %q", tt.name, tt.in, got, tt.want)
		}
		var s Session
		readKeepAlive(got, &s)
		if s.KeepAlive.Interval() != tt.seconds {
			t.Errorf("%s: PuTTY would read %d s, want %d", tt.name, s.KeepAlive.Interval(), tt.seconds)
		}
	}
}

func TestSetKeepAliveUnchanged(t *testing.T) {
	for _, tt := range []struct {
		in      string
		seconds int
	}{
		{"PingInterval=5\nPingIntervalSecs=0\n", 300}, // as PuTTY's dialog saves 300 s
		{"PingInterval=0\nPingIntervalSecs=300\n", 300},
		{"HostName=h\n", 0}, // absent is off
		{"PingIntervalSecs=60", 60},
		{"", 0},
	} {
		in := []byte(tt.in)
		if got := setKeepAlive(in, tt.seconds); !bytes.Equal(got, in) {
			t.Errorf("setKeepAlive(%q, %d) = %q, want it unchanged", tt.in, tt.seconds, got)
		}
	}
}

func FuzzSetKeepAlive(f *testing.F) {
	f.Add([]byte("HostName=h\r\nPingInterval=1\nPingIntervalSecs=x\n"), 30)
	f.Add([]byte("a=b"), 0)
	f.Fuzz(func(t *testing.T, in []byte, seconds int) {
		if seconds < 0 || seconds > 1<<31-1 {
			return
		}
		out := setKeepAlive(in, seconds)
		var s Session
		readKeepAlive(out, &s)
		if s.KeepAlive.Interval() != seconds {
			t.Fatalf("after setting %d PuTTY reads %d from %q", seconds, s.KeepAlive.Interval(), out)
		}
		// Every line that is not a keep-alive line survives, in order.
		if !bytes.Equal(otherLines(in), otherLines(out)) {
			t.Fatalf("other lines changed:\n%q\n%q", in, out)
		}
	})
}

// otherLines is data without the lines PuTTY takes the keep-alive from,
// line endings normalised: appending a key ends an unterminated last line
// (the table tests pin exact line endings).
func otherLines(data []byte) []byte {
	lines := parseLines(data)
	skip := map[int]bool{findKey(lines, keyMinutes): true, findKey(lines, keySeconds): true}
	var out []byte
	for i, l := range bytes.SplitAfter(data, []byte("\n")) {
		if len(l) == 0 || skip[i] {
			continue
		}
		out = append(out, bytes.TrimSuffix(bytes.TrimSuffix(l, []byte("\n")), []byte("\r"))...)
		out = append(out, '\n')
	}
	return out
}

// TestKeepAliveRecordUndo: keepalive records what a session had, undo
// gives exactly those bytes back, and a value changed since is the user's.
func TestKeepAliveRecordUndo(t *testing.T) {
	for _, tt := range []struct {
		name, in  string
		seconds   int
		edit      func(string) string // a change between set and undo
		wantState int
	}{
		{"both absent", "HostName=h\n", 60, nil, undoRestored},
		{"legacy minutes and odd bytes", "PingIntervalSecs= 30\r\nPingInterval=1\r\nX=y\r\n", 60, nil, undoRestored},
		{"set twice: the first values come back", "PingIntervalSecs=15\n", 60, func(s string) string { return string(setKeepAliveRecorded([]byte(s), 120)) }, undoRestored},
		{"changed since: the user's", "PingIntervalSecs=15\n", 60, func(s string) string { return strings.Replace(s, "PingIntervalSecs=60", "PingIntervalSecs=45", 1) }, undoEdited},
	} {
		t.Run(tt.name, func(t *testing.T) {
			set := string(setKeepAliveRecorded([]byte(tt.in), tt.seconds))
			if tt.edit != nil {
				set = tt.edit(set)
			}
			got, st := undoKeepAlive([]byte(set))
			if st != tt.wantState {
				t.Fatalf("state %d, want %d", st, tt.wantState)
			}
			if st == undoRestored && string(got) != tt.in {
				t.Errorf("undo gave %q, want the original %q", got, tt.in)
			}
			if st == undoEdited && (strings.Contains(string(got), keyRecord) || !strings.Contains(string(got), "PingIntervalSecs=45")) {
				t.Errorf("undo of a changed session gave %q, want the user's value and no record", got)
			}
		})
	}
	if _, st := undoKeepAlive([]byte("PingIntervalSecs=30\n")); st != undoNone {
		t.Errorf("no record: state %d, want undoNone", st)
	}
}

package sshconf

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// seedCorpus adds the real-world configs and the other testdata.
func seedCorpus(f *testing.F) {
	for _, pattern := range []string{"../../testdata/corpus/*/*", "../cli/testdata/server/*/*", "../cli/testdata/show/*/*/*"} {
		files, _ := filepath.Glob(pattern)
		for _, p := range files {
			if data, err := os.ReadFile(p); err == nil {
				f.Add(data)
			}
		}
	}
	f.Add([]byte("Host *\r\n\tKey=\"v a\"  # c\r\n"))
	f.Add([]byte("\uFEFFHost a\x00b\n  K 'unterminated"))
}

// FuzzRoundTrip: any input prints back byte-identical, and a line's
// keyword and arguments, cut out of its bytes when asked for, are what a
// full split of the line gives.
func FuzzRoundTrip(f *testing.F) {
	seedCorpus(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		file := Parse(data)
		if got := file.Bytes(); string(got) != string(data) {
			t.Fatalf("round trip changed %q into %q", data, got)
		}
		for i, l := range file.Lines {
			if l.Kind == Directive {
				end := l.spans().keyEnd
				if key := l.Raw[l.keyStart(end):end]; l.Key() != key {
					t.Fatalf("%q: Key %q, want %q", l.Raw, l.Key(), key)
				}
			}
			want := splitWhole(l.Raw, i == 0)
			if got := l.Args(); !slices.Equal(got, want) || l.NArg() != len(want) {
				t.Fatalf("%q: Args %q, NArg %d; a full split gives %q", l.Raw, got, l.NArg(), want)
			}
			var walked []string
			it := l.Iter()
			for a, ok := it.Next(); ok; a, ok = it.Next() {
				walked = append(walked, a)
			}
			if !slices.Equal(walked, want) {
				t.Fatalf("%q: Iter walks %q; a full split gives %q", l.Raw, walked, want)
			}
			if len(want) > 0 && l.Arg0() != want[0] || l.Value() != strings.Join(want, " ") {
				t.Fatalf("%q: Arg0 %q, Value %q; a full split gives %q", l.Raw, l.Arg0(), l.Value(), want)
			}
		}
	})
}

// splitWhole splits a directive's arguments from its whole line, NUL and
// trailing white space cut, as the parser did when it kept them in a field.
func splitWhole(raw string, first bool) []string {
	l := parseLine(raw, first)
	sp := l.spans()
	if l.Kind != Directive || sp.argStart >= len(raw) {
		return nil
	}
	end := len(raw)
	if i := strings.IndexByte(raw, 0); i >= 0 {
		end = i
	}
	for end > sp.argStart && (isSpace(raw[end-1]) || raw[end-1] == '\f') {
		end--
	}
	args := splitArgs(raw, sp.argStart, end)
	if len(args) == 0 {
		return nil
	}
	return args
}

// FuzzEdit: an edit re-parses to what was intended, keeps every other line,
// and removing what was inserted restores the input.
func FuzzEdit(f *testing.F) {
	seedCorpus(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		file := Parse(data)
		n := len(file.Lines)
		blocks := file.Blocks()
		b := blocks[len(blocks)-1]
		at := file.LastDirective(b) + 1
		file.Insert(at, file.StyleFor(b).Render("ServerAliveInterval", "300"))
		again := Parse(file.Bytes())
		if len(again.Lines) != n+1 {
			t.Fatalf("after Insert: %d lines, want %d", len(again.Lines), n+1)
		}
		if l := again.Lines[at]; !l.Is("ServerAliveInterval") || l.Value() != "300" {
			t.Fatalf("inserted line parses as %q %q", l.Key(), l.Args())
		}
		file.Remove(at)
		if string(file.Bytes()) != string(data) {
			t.Fatalf("Insert then Remove changed %q into %q", data, file.Bytes())
		}
		for i, l := range file.Lines {
			if l.Kind == Directive && l.Err() == nil && len(l.Args()) == 1 {
				file.SetValue(i, "42")
				if v := Parse(file.Bytes()).Lines[i].Value(); v != "42" {
					t.Fatalf("SetValue on line %d (%q) parses back as %q", i, l.Raw, v)
				}
				break
			}
		}
	})
}

package sshconf

import (
	"os"
	"path/filepath"
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

// FuzzRoundTrip: any input prints back byte-identical.
func FuzzRoundTrip(f *testing.F) {
	seedCorpus(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		if got := Parse(data).Bytes(); string(got) != string(data) {
			t.Fatalf("round trip changed %q into %q", data, got)
		}
	})
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
			t.Fatalf("inserted line parses as %q %q", l.Key, l.Args)
		}
		file.Remove(at)
		if string(file.Bytes()) != string(data) {
			t.Fatalf("Insert then Remove changed %q into %q", data, file.Bytes())
		}
		for i, l := range file.Lines {
			if l.Kind == Directive && l.Err == nil && len(l.Args) == 1 {
				file.SetValue(i, "42")
				if v := Parse(file.Bytes()).Lines[i].Value(); v != "42" {
					t.Fatalf("SetValue on line %d (%q) parses back as %q", i, l.Raw, v)
				}
				break
			}
		}
	})
}

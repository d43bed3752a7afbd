package sshconf

import (
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

func TestParseLine(t *testing.T) {
	tests := []struct {
		raw  string
		kind Kind
		key  string
		args []string
		err  error
	}{
		{"\n", Blank, "", nil, nil},
		{"  \t\r\n", Blank, "", nil, nil},
		{"# comment\n", Comment, "", nil, nil},
		{"   #Host *\r\n", Comment, "", nil, nil},
		{"Host *\n", Directive, "Host", []string{"*"}, nil},
		{"host a b !c\n", Directive, "host", []string{"a", "b", "!c"}, nil},
		{"ServerAliveInterval=60\n", Directive, "ServerAliveInterval", []string{"60"}, nil},
		{"ServerAliveInterval = 60\n", Directive, "ServerAliveInterval", []string{"60"}, nil},
		{"\tServerAliveInterval\t60 # keep NAT warm\n", Directive, "ServerAliveInterval", []string{"60"}, nil},
		{"IdentityFile \"~/My Keys/id\" other\r\n", Directive, "IdentityFile", []string{"~/My Keys/id", "other"}, nil},
		{"ProxyCommand ssh -W %h:%p 'jump host'\n", Directive, "ProxyCommand", []string{"ssh", "-W", "%h:%p", "jump host"}, nil},
		{`LocalCommand echo a\ b\"c` + "\n", Directive, "LocalCommand", []string{"echo", `a b"c`}, nil},
		{"Key value#notacomment\n", Directive, "Key", []string{"value#notacomment"}, nil},
		{"Match host a,b exec \"test -f x\"\n", Directive, "Match", []string{"host", "a,b", "exec", "test -f x"}, nil},
		{"User \"unterminated\n", Directive, "User", nil, errQuotes},
		{"Port\n", Directive, "Port", nil, errNoArgument},
		{"Port # only a comment\n", Directive, "Port", nil, errNoArgument},
		{"Port 22", Directive, "Port", []string{"22"}, nil},
		{"Port 22\x00junk\n", Directive, "Port", []string{"22"}, nil},
	}
	for _, tt := range tests {
		l := parseLine(tt.raw, false)
		if l.Kind != tt.kind || l.Key() != tt.key || !reflect.DeepEqual(l.Args(), tt.args) || l.Err() != tt.err {
			t.Errorf("parseLine(%q) = kind %d key %q args %q err %v; want kind %d key %q args %q err %v",
				tt.raw, l.Kind, l.Key(), l.Args(), l.Err(), tt.kind, tt.key, tt.args, tt.err)
		}
		if l.Raw != tt.raw {
			t.Errorf("parseLine(%q).Raw = %q", tt.raw, l.Raw)
		}
	}
}

func TestBOM(t *testing.T) {
	f := Parse([]byte("\uFEFFHost *\n  Port 22\n"))
	if !f.HasBOM() || f.Lines[0].Key() != "Host" {
		t.Fatalf("BOM file: HasBOM %v, first key %q", f.HasBOM(), f.Lines[0].Key())
	}
	if string(f.Bytes()) != "\uFEFFHost *\n  Port 22\n" {
		t.Fatalf("BOM not kept: %q", f.Bytes())
	}
}

// TestRoundTripCorpus prints every real-world config back byte for byte.
func TestRoundTripCorpus(t *testing.T) {
	for _, kind := range []string{"client", "server"} {
		for _, path := range testenv.CorpusFiles(t, kind) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := Parse(data).Bytes(); string(got) != string(data) {
				t.Errorf("%s: round trip changed the bytes", path)
			}
		}
	}
}

func TestBlocks(t *testing.T) {
	f := Parse([]byte("Port 22\nHost a\n  User x\n\nMatch all\n  User y\n"))
	b := f.Blocks()
	if len(b) != 3 || b[0].Header != nil || b[0].End != 1 || b[1].Header.Value() != "a" || b[1].End != 4 || b[2].Start != 4 || b[2].End != 6 {
		t.Fatalf("Blocks = %+v", b)
	}
	if f.LastDirective(b[1]) != 2 {
		t.Errorf("LastDirective(Host a) = %d, want 2", f.LastDirective(b[1]))
	}
}

// TestLineSize keeps a Line small: a generated config has hundreds of
// thousands, and the tree's size is most of keepalive's memory.
func TestLineSize(t *testing.T) {
	if n := unsafe.Sizeof(Line{}); n > 24 {
		t.Errorf("a Line takes %d bytes, more than 24", n)
	}
}

// TestLongLine: a line too long for a Line's 16-bit offsets reads the same
// (it is tokenized again when asked), and edits of it keep its bytes.
func TestLongLine(t *testing.T) {
	long := strings.Repeat("a", 70000)
	indent := strings.Repeat(" ", 70000)
	f := ParseString("Host " + long + " b # note\r\n" + indent + "Port=\"2\\\"2\"\n\uFEFF" + long + "\n")
	h, p, last := f.Lines[0], f.Lines[1], f.Lines[2]
	if h.Key() != "Host" || !slices.Equal(h.Args(), []string{long, "b"}) || h.NArg() != 2 || h.Arg0() != long ||
		h.Value() != long+" b" || !h.HasTrailingComment() || h.separator() != " " || h.Err() != nil {
		t.Errorf("long Host line: key %q, %d args, value of %d bytes, comment %v, err %v", h.Key(), h.NArg(), len(h.Value()), h.HasTrailingComment(), h.Err())
	}
	if p.Key() != "Port" || !slices.Equal(p.Args(), []string{`2"2`}) || p.separator() != "=" || p.Indent() != indent {
		t.Errorf("long indented line: key %q, args %q, separator %q", p.Key(), p.Args(), p.separator())
	}
	if last.Key() != "\uFEFF"+long || last.Err() == nil {
		t.Errorf("a BOM not at the start of the file is part of the keyword: key of %d bytes, err %v", len(last.Key()), last.Err())
	}
	f.SetValue(0, "x")
	if got := f.Text(0); got != "Host x # note" {
		t.Errorf("SetValue on a long line: %q", got)
	}
	if string(f.Bytes()[len("Host x # note\r\n"):]) != indent+"Port=\"2\\\"2\"\n\uFEFF"+long+"\n" {
		t.Error("the other lines changed")
	}
}

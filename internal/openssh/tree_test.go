package openssh

import (
	"bytes"
	"strings"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// rewriteWhole is rewriteIncludes as it was: the whole file parsed, each
// Include line given its value in the copy, the file printed again.
func rewriteWhole(data []byte, dir string, t Tree) []byte {
	f := sshconf.Parse(data)
	for i, l := range f.Lines {
		if l.Is("Include") && l.Err() == nil {
			f.SetValue(i, includeInCopy(l, dir, t))
		}
	}
	return f.Bytes()
}

// TestRewriteIncludesLineByLine: parsing only the lines that may be an
// Include gives the bytes that parsing the whole file gave, whatever the
// spelling, spacing, line endings, byte-order mark or NUL bytes.
func TestRewriteIncludesLineByLine(t *testing.T) {
	tr := Tree{Main: "/home/u/.ssh/config", Home: "/home/u", Anchor: "/home/u/.ssh", Files: map[string][]byte{
		"/home/u/.ssh/config": nil, "/home/u/.ssh/a.conf": nil, "/etc/ssh/b": nil,
	}}
	inputs := []string{
		"",
		"Host a\n  User x\n",
		"Include a.conf\nHost *\n",
		"\uFEFFInclude a.conf\r\nHost *\r\n",
		"Host a\n\uFEFFInclude a.conf\n",
		"  include=a.conf conf.d/*.conf\n\tINCLUDE \"a.conf\" ~/x ~/.ssh/a.conf\n",
		"Include\"a.conf\"\nIncludeX a.conf\n#Include a.conf\n# Include a.conf\n",
		"Include \"a.conf\n",
		"Include\nInclude \n",
		"Include a.conf # trailing\nHost b\nInclude /etc/ssh/b", // no final newline
		"Include a.conf\x00 b\n\x00Include a.conf\n",
		"\r\nInclude a.conf\r\r\n\fInclude a.conf\n",
		"Match all\n    Include missing.conf\n",
		strings.Repeat("Host h\n  User u\n", 1000) + "Include a.conf\n" + strings.Repeat("Host g\n", 1000),
	}
	for _, in := range inputs {
		want := rewriteWhole([]byte(in), "/tmp/copy", tr)
		var got bytes.Buffer
		if _, err := rewriteIncludes([]byte(in), "/tmp/copy", tr).WriteTo(&got); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want) {
			t.Errorf("rewriteIncludes(%q) =\n%q\nwant\n%q", in, got.Bytes(), want)
		}
	}
}

func FuzzRewriteIncludes(f *testing.F) {
	f.Add([]byte("Include a.conf\nHost *\n"))
	f.Add([]byte("\uFEFF include=\"a b\" c\r\nx\x00Include y"))
	tr := Tree{Main: "/m", Home: "/home/u", Files: map[string][]byte{"/m": nil, "/etc/ssh/a.conf": nil}}
	f.Fuzz(func(t *testing.T, in []byte) {
		want := rewriteWhole(in, "/tmp/copy", tr)
		var got bytes.Buffer
		rewriteIncludes(in, "/tmp/copy", tr).WriteTo(&got)
		if !bytes.Equal(got.Bytes(), want) {
			t.Errorf("rewriteIncludes(%q) = %q, want %q", in, got.Bytes(), want)
		}
	})
}

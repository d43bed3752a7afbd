package openssh

import (
	"bytes"
	"strings"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// rewriteWhole is what the copy held when rewriteIncludes edited a parse
// of its own: each Include line given its value in the copy, the file
// printed again.
func rewriteWhole(data []byte, dir string, t Tree) []byte {
	f := sshconf.Parse(data)
	for i, l := range f.Lines {
		if l.Is("Include") && l.Err() == nil {
			f.SetValue(i, includeInCopy(l, dir, t))
		}
	}
	return f.Bytes()
}

// checkRewrite checks that rewriteIncludes writes what rewriteWhole
// gives, and leaves the tree it was handed as it was.
func checkRewrite(t *testing.T, in []byte, tr Tree) {
	t.Helper()
	want := rewriteWhole(in, "/tmp/copy", tr)
	f := sshconf.Parse(in)
	var got bytes.Buffer
	if _, err := rewriteIncludes(f, "/tmp/copy", tr).WriteTo(&got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("rewriteIncludes(%q) =\n%q\nwant\n%q", in, got.Bytes(), want)
	}
	if !bytes.Equal(f.Bytes(), in) {
		t.Errorf("rewriteIncludes(%q) changed the file it copied: now %q", in, f.Bytes())
	}
}

// TestRewriteIncludes: the copy of a file writes its lines with each
// Include pointed into the copy, every other byte as it was, whatever
// the spelling, spacing, line endings, byte-order mark or NUL bytes, and
// the file handed in stays as it was (it is the edit's own tree).
func TestRewriteIncludes(t *testing.T) {
	tr := Tree{Main: "/home/u/.ssh/config", Home: "/home/u", Anchor: "/home/u/.ssh", Files: map[string]*sshconf.File{
		"/home/u/.ssh/config": nil, "/home/u/.ssh/a.conf": nil, "/etc/ssh/b": nil,
	}}
	for _, in := range []string{
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
		strings.Repeat("Host h\n  User u\n", 10000) + "Include a.conf\n" + strings.Repeat("Host g\n", 10000),
	} {
		checkRewrite(t, []byte(in), tr)
	}
	var got bytes.Buffer
	if n, err := rewriteIncludes(nil, "/tmp/copy", tr).WriteTo(&got); n != 0 || err != nil || got.Len() != 0 {
		t.Errorf("rewriteIncludes(nil) wrote %q, %v; want an empty file", got.Bytes(), err)
	}
}

func FuzzRewriteIncludes(f *testing.F) {
	f.Add([]byte("Include a.conf\nHost *\n"))
	f.Add([]byte("\uFEFF include=\"a b\" c\r\nx\x00Include y"))
	tr := Tree{Main: "/m", Home: "/home/u", Files: map[string]*sshconf.File{"/m": nil, "/etc/ssh/a.conf": nil}}
	f.Fuzz(func(t *testing.T, in []byte) { checkRewrite(t, in, tr) })
}

package resolve

import (
	"strings"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// FuzzParseMatch: any Match line, read as any release, on either side,
// gives criteria or an error, never a panic; criteria always have an
// attribute, and one that needs patterns has them.
func FuzzParseMatch(f *testing.F) {
	for _, s := range []string{"host=b", `exec "a b"`, "all", "!user x", `host a"b c"d`, "Address 10.0.1.0/8", "host = b user= c", "#", "\"", "host a\rb", "User=u1 LocalPort=22"} {
		f.Add(s, 9, 2, false)
		f.Add(s, 10, 0, true)
	}
	f.Fuzz(func(t *testing.T, text string, major, minor int, server bool) {
		if strings.ContainsAny(text, "\n") {
			return
		}
		l := sshconf.Parse([]byte("Match " + text + "\n")).Lines[0]
		v := Version{Major: major % 20, Minor: minor % 20}
		crit, err := ParseMatch(l, server, func() Version { return v })
		if err != nil {
			return
		}
		for _, c := range crit {
			if c.Attr == "" {
				t.Fatalf("Match %q: empty attribute in %v", text, crit)
			}
		}
	})
}

// FuzzGlobMatch: any pattern compiles and matches any name without a
// panic, in time linear in their product.
func FuzzGlobMatch(f *testing.F) {
	for _, s := range []string{"*.conf", "[[:alpha:]]x", "[!a-z]?", `\[x\]`, "[[:alnum:]]*", "[", "[]]", "[a-", "*a*a*a*b"} {
		f.Add(s, "a.conf")
	}
	f.Fuzz(func(t *testing.T, pat, name string) {
		segs, _, ok := compileGlob(pat)
		if !ok || len(name) == 0 {
			return
		}
		for _, seg := range segs {
			gmatch(name, seg)
		}
	})
}

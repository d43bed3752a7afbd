package resolve

import (
	"strings"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

func TestMatchPattern(t *testing.T) {
	tests := []struct {
		s, pat string
		want   bool
	}{
		{"host", "host", true},
		{"host", "Host", false}, // case-sensitive, as ssh's Host lines
		{"a", "?", true},
		{"", "?", false}, // '?' is exactly one character
		{"ab", "a?", true},
		{"a", "a?", false},
		{"abc", "a*", true},
		{"a", "a*", true},
		{"web1.example.com", "*.example.com", true},
		{"example.com", "*.example.com", false},
		{"aXbXc", "a*b*c", true},
		{"abd", "a*c", false},
		{"", "*", true},
		{strings.Repeat("a", 5000), strings.Repeat("*a", 50) + "b", false}, // no exponential blow-up
	}
	for _, tt := range tests {
		if got := matchPattern(tt.s, tt.pat); got != tt.want {
			t.Errorf("matchPattern(%q, %q) = %v, want %v", tt.s, tt.pat, got, tt.want)
		}
	}
}

func TestMatchList(t *testing.T) {
	tests := []struct {
		s, list string
		lower   bool
		want    int
	}{
		{"web", "db,web", false, 1},
		{"web", "db,!web", false, -1},
		{"web", "*,!web", false, -1},
		{"web", "*,!db", false, 1},
		{"web", "db", false, 0},
		{"web", "WEB", true, 1},
		{"web", "WEB", false, 0},
	}
	for _, tt := range tests {
		if got := matchList(tt.s, tt.list, tt.lower); got != tt.want {
			t.Errorf("matchList(%q, %q, %v) = %d, want %d", tt.s, tt.list, tt.lower, got, tt.want)
		}
	}
}

func TestMatchHostLine(t *testing.T) {
	if !matchHostLine("web", hostLine("db", "web")) || matchHostLine("web", hostLine("*", "!web")) || matchHostLine("web", hostLine("!db")) {
		t.Error("Host line: any positive match activates, a negated match vetoes, negation alone never matches")
	}
}

// hostLine returns the arguments of a Host line with these patterns.
func hostLine(patterns ...string) sshconf.ArgIter {
	return sshconf.ParseString("Host " + strings.Join(patterns, " ") + "\n").Lines[0].Iter()
}

// TestMatchHostSame: matchHost's quick answer for a Host line is
// matchHostLine's, for lines with and without quotes, wildcards and
// negations, hosts that are or contain a pattern, and blanks of both kinds.
func TestMatchHostSame(t *testing.T) {
	lines := []string{
		"Host a", "Host a b", "Host\tab\t a", "Host web1 web1.example.com", "Host *.example.com !web2.example.com",
		"Host web?", "Host !a a", "Host \"a b\" c", "Host 'web1'", "Host a\\ b", "Host A", "Host web1.example.co",
		"Host example.com.web1 web", "Host =web1", "Host web1 # web2", "Host xweb1x",
	}
	hosts := []string{"a", "ab", "web1", "web1.example.com", "web2.example.com", "A", "a b", "web", "", "example.com"}
	for _, text := range lines {
		l := sshconf.Parse([]byte(text + "\n")).Lines[0]
		for _, h := range hosts {
			if got, want := matchHost(h, l), matchHostLine(h, l.Iter()); got != want {
				t.Errorf("%q for host %q: matchHost %v, matchHostLine %v", text, h, got, want)
			}
		}
	}
}

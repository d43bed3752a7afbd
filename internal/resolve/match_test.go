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

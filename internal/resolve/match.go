package resolve

import (
	"strings"

	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// matchPattern reports whether s matches an OpenSSH wildcard pattern:
// '*' is any run of characters, '?' exactly one. Matching is iterative so
// hostile patterns cannot blow the stack or take exponential time.
func matchPattern(s, pat string) bool {
	si, pi := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		switch {
		case pi < len(pat) && (pat[pi] == '?' || pat[pi] == s[si]):
			si++
			pi++
		case pi < len(pat) && pat[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(pat) && pat[pi] == '*' {
		pi++
	}
	return pi == len(pat)
}

// matchList is OpenSSH's match_pattern_list: a comma-separated list of
// patterns, each possibly negated with '!'. It returns 1 for a match, 0 for
// none and -1 when a negated pattern matched (which vetoes the whole list).
// With lower, patterns are compared in lower case.
func matchList(s, list string, lower bool) int {
	got := 0
	for p := range strings.SplitSeq(list, ",") {
		neg := strings.HasPrefix(p, "!")
		if neg {
			p = p[1:]
		}
		if lower {
			p = strings.ToLower(p)
		}
		if matchPattern(s, p) {
			if neg {
				return -1
			}
			got = 1
		}
	}
	return got
}

// matchHostLine evaluates the patterns of a "Host" line against host, case
// sensitively: any positive match activates, any negated match vetoes.
func matchHostLine(host string, patterns sshconf.ArgIter) bool {
	ok := false
	for p, more := patterns.Next(); more; p, more = patterns.Next() {
		neg := strings.HasPrefix(p, "!")
		if neg {
			p = p[1:]
		}
		if matchPattern(host, p) {
			if neg {
				return false
			}
			ok = true
		}
	}
	return ok
}

// matchHost is matchHostLine for a Host line l. Most Host lines of a fleet
// name hosts other than the one asked about: when the arguments hold no
// quote, wildcard or negation, a pattern can only match by being host,
// which is then somewhere in their text, and one search answers.
func matchHost(host string, l *sshconf.Line) bool {
	if text, ok := l.PlainArgs(); ok && !strings.Contains(text, host) && !hasWildcard(text) {
		return false
	}
	return matchHostLine(host, l.Iter())
}

// hasWildcard reports whether s holds '*', '?' or '!'.
func hasWildcard(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '*' || c == '?' || c == '!' {
			return true
		}
	}
	return false
}

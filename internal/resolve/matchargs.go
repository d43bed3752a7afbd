package resolve

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// Criterion is one criterion of a Match line as OpenSSH reads it.
type Criterion struct {
	Neg  bool   // written with '!' (the client only)
	Attr string // lower case: "host", "user", "all", ...
	Arg  string // the pattern list; "" for all, canonical, final, invalid-user
}

// String renders the criterion the way sshd_config(5) spells it.
func (c Criterion) String() string {
	s := c.Attr
	if c.Neg {
		s = "!" + s
	}
	if c.Arg != "" {
		s += " " + c.Arg
	}
	return s
}

// Match criteria by side and by the release that introduced them: a
// criterion a release does not know makes it refuse the config.
var (
	clientCriteria = map[string][2]int{
		"all": {}, "canonical": {}, "final": {}, "exec": {}, "host": {},
		"originalhost": {}, "user": {}, "localuser": {},
		"localnetwork": {9, 4}, "tagged": {9, 4},
		"command": {10, 0}, "sessiontype": {10, 0}, "version": {10, 0},
	}
	serverCriteria = map[string][2]int{
		"all": {}, "user": {}, "group": {}, "host": {}, "address": {},
		"localaddress": {}, "localport": {}, "rdomain": {},
		"invalid-user": {9, 9}, "version": {10, 0},
	}
	// Criteria that 10.0 and later also accept as "criterion=value" in one
	// argument (readconf.c and servconf.c match_cfg_line).
	clientEquals = []string{"host", "originalhost", "user", "localuser", "localnetwork", "version", "tagged", "command", "exec"}
	serverEquals = []string{"user", "group", "host", "address", "localaddress", "localport", "rdomain", "version"}
)

// whitespace is misc.c's WHITESPACE: what strdelim splits on.
const whitespace = " \t\r\n"

// cstr is a C string pointer that strdelim advances: s is what is left,
// null that the pointer became NULL.
type cstr struct {
	s    string
	null bool
}

// strdelim is misc.c's strdelim (before 9.9 every Match line was split with
// it): the next token ends at white space, a single '=' (the white space
// around it is skipped too) or a double quote; a quote starting inside a
// token runs to the next quote. It returns false when the pointer is NULL
// or a quote is not closed.
func (c *cstr) strdelim() (string, bool) {
	if c.null {
		return "", false
	}
	old := c.s
	i := strings.IndexAny(old, whitespace+`"=`)
	if i < 0 {
		c.s, c.null = "", true
		return old, true
	}
	if old[i] == '"' {
		rest := old[i+1:]
		j := strings.IndexByte(rest, '"')
		if j < 0 {
			c.s, c.null = "", true
			return "", false
		}
		c.s = strings.TrimLeft(rest[j+1:], whitespace)
		return old[:i] + rest[:j], true
	}
	equals := old[i] == '='
	after := strings.TrimLeft(old[i+1:], whitespace)
	if !equals && strings.HasPrefix(after, "=") {
		after = strings.TrimLeft(after[1:], whitespace)
	}
	c.s = after
	return old[:i], true
}

// argvSplit is misc.c's argv_split with terminate_on_comment: arguments
// split on blanks, "double" and 'single' quotes, backslash escapes of
// quotes, backslash and (outside quotes) blank; a '#' starting an argument
// ends the line. The arguments are appended to out (a caller's buffer).
func argvSplit(out []string, s string) ([]string, error) {
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' || s[i] == '\t' {
			continue
		}
		if s[i] == '#' {
			break
		}
		// Most arguments have no quote or escape: they are a substring.
		j := i
		for j < len(s) && s[j] != ' ' && s[j] != '\t' && s[j] != '\\' && s[j] != '"' && s[j] != '\'' {
			j++
		}
		if j == len(s) || s[j] == ' ' || s[j] == '\t' {
			out = append(out, s[i:j])
			i = j
			continue
		}
		var b strings.Builder
		var quote byte
		for ; i < len(s); i++ {
			c := s[i]
			if c == '\\' {
				if i+1 < len(s) && (s[i+1] == '\'' || s[i+1] == '"' || s[i+1] == '\\' || quote == 0 && s[i+1] == ' ') {
					i++
				}
				b.WriteByte(s[i])
				continue
			}
			if quote == 0 && (c == ' ' || c == '\t') {
				break
			}
			switch {
			case quote == 0 && (c == '"' || c == '\''):
				quote = c
			case quote != 0 && c == quote:
				quote = 0
			default:
				b.WriteByte(c)
			}
		}
		if quote != 0 {
			return nil, errors.New("invalid quotes")
		}
		out = append(out, b.String())
	}
	return out, nil
}

// lineRest returns what OpenSSH hands the keyword's handler: the line with
// trailing white space removed, after the keyword and its separator.
func lineRest(raw string) string {
	raw = strings.TrimPrefix(raw, "\uFEFF")
	if i := strings.IndexByte(raw, 0); i >= 0 {
		raw = raw[:i]
	}
	raw = strings.TrimRight(raw, whitespace+"\f")
	c := cstr{s: raw}
	if k, ok := c.strdelim(); ok && k == "" {
		c.strdelim()
	}
	return c.s
}

// needsVersion reports whether splitting rest depends on the OpenSSH
// release: only text with '=', quotes, backslashes or a carriage return
// splits differently under strdelim and argv_split.
func needsVersion(rest string) bool {
	return strings.ContainsAny(rest, "=\"'\\\r\n")
}

// ParseMatch reads the criteria of a Match line as the OpenSSH release v
// does, on the client or the server (sshconf.Dialect.Server): how the
// arguments are split, which criteria exist, which need an argument, and
// every error that makes the program refuse the line. v is asked only
// when the answer depends on it; nil means the newest release.
func ParseMatch(l *sshconf.Line, server bool, v func() Version) ([]Criterion, error) {
	return parseMatch(lineRest(l.Raw), server, v)
}

// ParseMatchText is ParseMatch for the text after "Match" (a --match
// argument).
func ParseMatchText(text string, server bool, v func() Version) ([]Criterion, error) {
	return parseMatch(lineRest("Match "+text), server, v)
}

func parseMatch(rest string, server bool, v func() Version) ([]Criterion, error) {
	var ver *Version
	version := func() Version {
		if ver == nil {
			x := Version{}
			if v != nil {
				x = v()
			}
			ver = &x
		}
		return *ver
	}
	// Tokens: strdelim before 9.9, argv_split since.
	var next func() (string, bool)
	strdelimMode := needsVersion(rest) && !version().AtLeast(9, 9)
	equalsForm := false
	if strdelimMode {
		var buf [8]string
		if _, err := argvSplit(buf[:0], rest); err != nil { // checked for every line first
			return nil, err
		}
		c := &cstr{s: rest}
		next = c.strdelim
		return criteriaFrom(next, func() bool { return c.null || c.s == "" }, server, false, true, version)
	}
	var buf [8]string // most lines have a few words: no allocation for them
	args, err := argvSplit(buf[:0], rest)
	if err != nil {
		return nil, err
	}
	if needsVersion(rest) && version().AtLeast(10, 0) {
		equalsForm = true
	}
	i := 0
	next = func() (string, bool) {
		if i >= len(args) {
			return "", false
		}
		i++
		return args[i-1], true
	}
	return criteriaFrom(next, func() bool { return i >= len(args) }, server, equalsForm, false, version)
}

// criteriaFrom is match_cfg_line's syntax: tokens come from next;
// consumed says whether every token was used.
func criteriaFrom(next func() (string, bool), consumed func() bool, server, equalsForm, strdelimMode bool, version func() Version) ([]Criterion, error) {
	table, equals := clientCriteria, clientEquals
	if server {
		table, equals = serverCriteria, serverEquals
	}
	out := make([]Criterion, 0, 2) // most lines have one or two criteria
	attributes := 0
	allDone := false
	for {
		tok, ok := next()
		if !ok || strdelimMode && tok == "" {
			break
		}
		if strings.HasPrefix(tok, "#") {
			for ok {
				_, ok = next()
			}
			break
		}
		c := Criterion{Attr: tok}
		if !server && strings.HasPrefix(tok, "!") {
			c.Neg, c.Attr = true, tok[1:]
		}
		if server {
			attributes++
		}
		if strings.EqualFold(c.Attr, "all") {
			if attributes > 1 {
				return nil, fmt.Errorf("'%s' cannot be combined with other Match attributes", tok)
			}
			arg, ok := next()
			if ok && arg != "" && !strings.HasPrefix(arg, "#") {
				return nil, fmt.Errorf("'%s' cannot be combined with other Match attributes", tok)
			}
			for ok && strings.HasPrefix(arg, "#") {
				_, ok = next()
			}
			c.Attr = "all"
			out = append(out, c)
			allDone = true
			break
		}
		if !server {
			attributes++
		}
		lower := lowerCriterion(c.Attr)
		if !server && (lower == "canonical" || lower == "final") || server && lower == "invalid-user" && version().AtLeast(9, 9) {
			if err := known(table, lower, c.Attr, version); err != nil {
				return nil, err
			}
			c.Attr = lower
			out = append(out, c)
			continue
		}
		hasArg := false
		if equalsForm {
			for _, e := range equals {
				if len(c.Attr) > len(e) && strings.EqualFold(c.Attr[:len(e)+1], e+"=") {
					c.Attr, c.Arg, hasArg = c.Attr[:len(e)], c.Attr[len(e)+1:], true
					break
				}
			}
		}
		if !hasArg {
			arg, ok := next()
			if !ok {
				return nil, fmt.Errorf("Missing Match criteria for %s", c.Attr)
			}
			c.Arg = arg
		}
		lower = lowerCriterion(c.Attr)
		emptyOK := !server && equalsForm && (lower == "tagged" || lower == "command")
		if c.Arg == "" && !emptyOK || strings.HasPrefix(c.Arg, "#") {
			return nil, fmt.Errorf("Missing Match criteria for %s", c.Attr)
		}
		if err := known(table, lower, c.Attr, version); err != nil {
			return nil, err
		}
		c.Attr = lower
		switch {
		case lower == "localport":
			if n, err := strconv.Atoi(c.Arg); err != nil || n <= 0 || n > 65535 {
				return nil, fmt.Errorf("Invalid LocalPort '%s' on Match line", c.Arg)
			}
		case server && (lower == "address" || lower == "localaddress"):
			if addrMatchList("", c.Arg) != 0 {
				return nil, fmt.Errorf("Invalid Match %s argument '%s': not an address, a CIDR network with a valid mask length and no host bits set (10.0.0.0/8, not 10.0.1.0/8), or a wildcard pattern", lower, c.Arg)
			}
		case lower == "localnetwork":
			if err := cidrList(c.Arg); err != nil {
				return nil, err
			}
		}
		out = append(out, c)
	}
	if attributes == 0 && !allDone {
		return nil, errors.New("One or more attributes required for Match")
	}
	if !consumed() {
		return nil, errors.New("keyword Match extra arguments at end of line")
	}
	return out, nil
}

// criterionNames are the criteria of both sides, in lower case.
var criterionNames = []string{"all", "canonical", "final", "exec", "host", "originalhost", "user",
	"localuser", "localnetwork", "tagged", "command", "sessiontype", "version", "group", "address",
	"localaddress", "localport", "rdomain", "invalid-user"}

// lowerCriterion is strings.ToLower(attr) without a new string for a
// known criterion (a file of Match blocks spells a few of them again and
// again). Only ASCII folds onto ASCII at the same length, so equal
// lengths and EqualFold mean the same lower case.
func lowerCriterion(attr string) string {
	for _, n := range criterionNames {
		if len(n) == len(attr) && strings.EqualFold(n, attr) {
			return n
		}
	}
	return strings.ToLower(attr)
}

// known checks that the release knows a criterion.
func known(table map[string][2]int, lower, attr string, version func() Version) error {
	since, ok := table[lower]
	if ok && (since == [2]int{} || version().AtLeast(since[0], since[1])) {
		return nil
	}
	if ok {
		return fmt.Errorf("Unsupported Match attribute %s (new in OpenSSH %d.%d; this is %s)", attr, since[0], since[1], version())
	}
	return fmt.Errorf("Unsupported Match attribute %s", attr)
}

// Package input checks the values users type on the command line:
// intervals, counts, Host patterns and session names. A bad value is an
// *Error that names the flag and the range it accepts, so that the user can
// fix it without reading the help; the command line exits 2 for it.
package input

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/keepalive-ssh/keepalive/internal/resolve"
	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// Error is a value the user typed that keepalive cannot take.
type Error struct{ msg string }

func (e *Error) Error() string { return e.msg }

func errorf(format string, args ...any) error { return &Error{msg: fmt.Sprintf(format, args...)} }

// maxInterval is the largest interval OpenSSH and PuTTY accept.
const maxInterval = sshconf.MaxTime

// Interval reads a duration flag such as --interval and returns whole
// seconds. It accepts what OpenSSH accepts in its config files (convtime in
// misc.c), so a value can be copied between ssh_config and the command line:
// plain seconds ("300") or a sequence of NUMBER[UNIT] with units s, m, h, d,
// w in either case ("5m", "1m30s", "1h5m", and, as in OpenSSH, "1m30" where a
// trailing bare number means seconds). Zero, signs, spaces and anything above
// 2147483647 seconds are bad usage (exit 2); the message names the flag and
// the accepted range so the user can fix it without reading the help.
//
// flag is the flag's name, with or without the leading dashes.
func Interval(flag, value string) (int, error) {
	if !strings.HasPrefix(flag, "-") {
		flag = "--" + flag
	}
	n, why := sshconf.ParseTime(value, false)
	if why == "" && n == 0 {
		why = "zero would turn keep-alives off"
	}
	if why != "" {
		return 0, errorf("invalid %s %q: %s; want seconds (300) or an OpenSSH time (5m, 1m30s), from 1s to 2147483647s", flag, value, why)
	}
	return n, nil
}

// HostPattern accepts one OpenSSH Host pattern: no blanks, quotes or
// '#', which would turn into several patterns or a comment.
func HostPattern(flag, p string) error {
	if p == "" || strings.ContainsAny(p, " \t\r\n\"'#,=\\") || p == "!" {
		return errorf("invalid %s %q: want one Host pattern such as example.com, *.example.com or 10.0.0.?", flag, p)
	}
	if strings.HasPrefix(p, "!") {
		return errorf("invalid %s %q: a negated pattern alone matches no host; name the hosts to configure", flag, p)
	}
	return nil
}

// Count reads --count: a positive whole number.
func Count(flag, v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err == nil && strings.HasPrefix(v, "+") {
		err = strconv.ErrSyntax // a plain count only, as --interval takes
	}
	if err != nil || n < 1 {
		why := "not a whole number"
		var ne *strconv.NumError
		if errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange) {
			why = "too large"
		} else if err == nil {
			why = "must be at least 1"
		}
		return 0, errorf("invalid %s %q: %s; want a count from 1 to 2147483647", flag, v, why)
	}
	if n > maxInterval {
		return 0, errorf("invalid %s %q: too large; want a count from 1 to 2147483647", flag, v)
	}
	return n, nil
}

// ClientAliveCount reads sshd's --count: as Count, and refusing 0 with
// why (since OpenSSH 8.2 it means never disconnect).
func ClientAliveCount(flag, v string) (int, error) {
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n == 0 {
		return 0, errorf("invalid %s 0: since OpenSSH 8.2, ClientAliveCountMax 0 makes sshd never disconnect an unresponsive client, so dead sessions would pile up; want a count from 1 to 2147483647 (2 or 3 is usual)", flag)
	}
	return Count(flag, v)
}

// Duration reads a duration flag with Interval's syntax and checks that it
// lies from lo to hi; format prints those in the message.
func Duration(flag, value string, lo, hi time.Duration, format func(time.Duration) string) (time.Duration, error) {
	secs, err := Interval(flag, value)
	d := time.Duration(secs) * time.Second
	if err != nil || d < lo || d > hi {
		return 0, errorf("invalid %s %q: want seconds (600) or an OpenSSH time (10m, 1h30m), from %s to %s", flag, value, format(lo), format(hi))
	}
	return d, nil
}

// SessionNames checks and de-duplicates --session values. PuTTY maps an
// empty name to Default Settings, which would surprise: refuse it.
func SessionNames(in []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, n := range in {
		if n == "" {
			return nil, errorf("invalid --session \"\": want a saved session's name, as PuTTY shows it (\"Default Settings\" for the defaults)")
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out, nil
}

// HostCompletions are the shell completions for --host among the Host
// patterns of a config: those that begin with prefix and that HostPattern
// accepts, each described by where it is written (shortened by short).
// With patterns false only names without wildcards are offered: values for
// a command that wants one host.
func HostCompletions(hosts []resolve.HostPattern, prefix string, patterns bool, short func(string) string) []string {
	var out []string
	for _, hp := range hosts {
		p := hp.Pattern
		if !strings.HasPrefix(p, prefix) || HostPattern("--host", p) != nil || !patterns && strings.ContainsAny(p, "*?") {
			continue
		}
		out = append(out, p+"\t"+short(hp.Pos))
	}
	return out
}

// Verify reads --verify[=exec]: whether to verify, and whether ssh -G may
// run Match exec commands.
func Verify(v string) (on, exec bool, err error) {
	switch strings.ToLower(v) {
	case "", "no", "false":
		return false, false, nil
	case "yes", "true":
		return true, false, nil
	case "exec":
		return true, true, nil
	}
	return false, false, errorf("invalid --verify=%s: want --verify or --verify=exec", v)
}

// HostName accepts a host name as typed after ssh (show --host): not an
// option, no blanks.
func HostName(flag, h string) error {
	if strings.HasPrefix(h, "-") || strings.ContainsAny(h, " \t\r\n\x00") {
		return errorf("invalid %s %q: want a host name as typed after ssh, such as example.com", flag, h)
	}
	return nil
}

// Connection reads --connection, the spec sshd -T -C takes.
func Connection(flag, spec string) (*resolve.Conn, error) {
	if strings.ContainsAny(spec, " \t\r\n\x00") {
		return nil, errorf("invalid %s %q: want user=U,host=H,addr=A[,laddr=L,lport=P,rdomain=R] without blanks", flag, spec)
	}
	c, err := resolve.ParseConn(spec)
	if err != nil {
		return nil, errorf("invalid %s %q: %v", flag, spec, err)
	}
	return c, nil
}

package cli

import (
	"math"
	"strings"

	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// maxInterval is the largest interval OpenSSH's convtime accepts (INT_MAX
// seconds); PuTTY stores the value in a C int as well.
const maxInterval = math.MaxInt32

// parseInterval reads a duration flag such as --interval and returns whole
// seconds. It accepts what OpenSSH accepts in its config files (convtime in
// misc.c), so a value can be copied between ssh_config and the command line:
// plain seconds ("300") or a sequence of NUMBER[UNIT] with units s, m, h, d,
// w in either case ("5m", "1m30s", "1h5m", and, as in OpenSSH, "1m30" where a
// trailing bare number means seconds). Zero, signs, spaces and anything above
// 2147483647 seconds are bad usage (exit 2); the message names the flag and
// the accepted range so the user can fix it without reading the help.
//
// flag is the flag's name, with or without the leading dashes.
func parseInterval(flag, value string) (int, error) {
	if !strings.HasPrefix(flag, "-") {
		flag = "--" + flag
	}
	bad := func(why string) error {
		return usageErrorf("invalid %s %q: %s; want seconds (300) or an OpenSSH time (5m, 1m30s), from 1s to 2147483647s", flag, value, why)
	}
	if value == "" {
		return 0, bad("empty")
	}
	total := 0
	for p := value; p != ""; {
		n, digits := 0, 0
		for digits < len(p) && p[digits] >= '0' && p[digits] <= '9' {
			// Checked per digit so a long run of digits cannot wrap around.
			if n > (maxInterval-int(p[digits]-'0'))/10 {
				return 0, bad("too large")
			}
			n = n*10 + int(p[digits]-'0')
			digits++
		}
		if digits == 0 {
			if p[0] == '-' {
				return 0, bad("negative")
			}
			return 0, bad("not a number")
		}
		p = p[digits:]
		mult := 1
		if p != "" {
			var ok bool
			if mult, ok = sshconf.TimeUnit(p[0]); !ok {
				return 0, bad("unknown unit " + quoteByte(p[0]))
			}
			p = p[1:]
		}
		if n > maxInterval/mult || total > maxInterval-n*mult {
			return 0, bad("too large")
		}
		total += n * mult
	}
	if total == 0 {
		return 0, bad("zero would turn keep-alives off")
	}
	return total, nil
}

// quoteByte renders one byte of user input for an error message.
func quoteByte(b byte) string {
	if b < 0x20 || b >= 0x7f {
		return "\\x" + string("0123456789abcdef"[b>>4]) + string("0123456789abcdef"[b&15])
	}
	return "'" + string(b) + "'"
}

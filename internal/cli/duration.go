package cli

import (
	"strings"

	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// maxInterval is the largest interval OpenSSH and PuTTY accept.
const maxInterval = sshconf.MaxTime

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
	n, why := sshconf.ParseTime(value, false)
	if why == "" && n == 0 {
		why = "zero would turn keep-alives off"
	}
	if why != "" {
		return 0, usageErrorf("invalid %s %q: %s; want seconds (300) or an OpenSSH time (5m, 1m30s), from 1s to 2147483647s", flag, value, why)
	}
	return n, nil
}

package report

import (
	"strings"

	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// The parsers below read a directive's first argument the way OpenSSH
// does, so that show prints what ssh -G and sshd -T print.

// parseTime is OpenSSH's convtime, as it reads a config file.
func parseTime(s string) (int, bool) {
	n, why := sshconf.ParseTime(s, true)
	return n, why == ""
}

// parseInt is OpenSSH's atoi_err: a decimal number from 0 to INT_MAX with
// nothing after it (strtonum).
func parseInt(s string) (int, bool) {
	q := strings.TrimLeft(s, " \t\n\v\f\r")
	neg := false
	if q != "" && (q[0] == '+' || q[0] == '-') {
		neg = q[0] == '-'
		q = q[1:]
	}
	if q == "" {
		return 0, false
	}
	n := 0
	for i := 0; i < len(q); i++ {
		c := q[i]
		if c < '0' || c > '9' || n > (1<<31-1-int(c-'0'))/10 {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	if neg && n != 0 {
		return 0, false
	}
	return n, true
}

// parseFlag reads a yes/no flag as OpenSSH's multistate_flag does, and
// returns it the way ssh -G prints it. The client also takes true/false;
// sshd (servconf.c) takes only yes and no.
func parseFlag(s string, server bool) (string, bool) {
	switch strings.ToLower(s) {
	case "yes":
		return "yes", true
	case "no":
		return "no", true
	case "true":
		return "yes", !server
	case "false":
		return "no", !server
	}
	return "", false
}

package report

import (
	"strings"

	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// The parsers below read a directive's first argument the way OpenSSH
// does, so that show prints what ssh -G and sshd -T print.

// parseTime is OpenSSH's convtime (misc.c): a sequence of NUMBER[UNIT] with
// units s, m, h, d, w in either case, a bare number meaning seconds; the
// total must fit in an int. "5m" is 300.
func parseTime(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	const maxInt = 1<<31 - 1
	total := 0
	for p := s; p != ""; {
		// strtol: optional white space and sign before the digits.
		q := strings.TrimLeft(p, " \t\n\v\f\r")
		neg := false
		if q != "" && (q[0] == '+' || q[0] == '-') {
			neg = q[0] == '-'
			q = q[1:]
		}
		n, digits := 0, 0
		for digits < len(q) && q[digits] >= '0' && q[digits] <= '9' {
			if n > (maxInt-int(q[digits]-'0'))/10 {
				return 0, false
			}
			n = n*10 + int(q[digits]-'0')
			digits++
		}
		if digits == 0 || (neg && n != 0) {
			return 0, false
		}
		p = q[digits:]
		mult := 1
		if p != "" {
			var ok bool
			if mult, ok = sshconf.TimeUnit(p[0]); !ok {
				return 0, false
			}
			p = p[1:]
		}
		if n > maxInt/mult || total > maxInt-n*mult {
			return 0, false
		}
		total += n * mult
	}
	return total, true
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

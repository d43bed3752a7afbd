package sshconf

import (
	"math"
	"strings"
)

// MaxTime is the largest time OpenSSH's convtime accepts (INT_MAX seconds);
// PuTTY stores its interval in a C int as well.
const MaxTime = math.MaxInt32

// TimeUnit returns the seconds in one unit of OpenSSH's time format
// (convtime in misc.c): s, m, h, d, w in either case.
func TimeUnit(c byte) (int, bool) {
	switch c {
	case 's', 'S':
		return 1, true
	case 'm', 'M':
		return 60, true
	case 'h', 'H':
		return 60 * 60, true
	case 'd', 'D':
		return 24 * 60 * 60, true
	case 'w', 'W':
		return 7 * 24 * 60 * 60, true
	}
	return 0, false
}

// ParseTime reads OpenSSH's time format (convtime in misc.c): a sequence of
// NUMBER[UNIT], a bare number meaning seconds ("5m" is 300, "1m30" 90); the
// total must fit in an int. As a config file is read (lenient), each number
// may have white space and a sign before it, as strtol allows; a command
// line flag takes digits only. On failure why says what is wrong ("empty",
// "negative", "not a number", "unknown unit 'x'", "too large").
func ParseTime(s string, lenient bool) (seconds int, why string) {
	if s == "" {
		return 0, "empty"
	}
	total := 0
	for p := s; p != ""; {
		neg := false
		if lenient {
			p = strings.TrimLeft(p, " \t\n\v\f\r")
			if p != "" && (p[0] == '+' || p[0] == '-') {
				neg, p = p[0] == '-', p[1:]
			}
		}
		n, digits := 0, 0
		for digits < len(p) && p[digits] >= '0' && p[digits] <= '9' {
			// Checked per digit so a long run of digits cannot wrap around.
			if n > (MaxTime-int(p[digits]-'0'))/10 {
				return 0, "too large"
			}
			n = n*10 + int(p[digits]-'0')
			digits++
		}
		switch {
		case digits == 0 && p != "" && p[0] == '-':
			return 0, "negative"
		case digits == 0:
			return 0, "not a number"
		case neg && n != 0:
			return 0, "negative"
		}
		p = p[digits:]
		mult := 1
		if p != "" {
			var ok bool
			if mult, ok = TimeUnit(p[0]); !ok {
				return 0, "unknown unit " + quoteByte(p[0])
			}
			p = p[1:]
		}
		if n > MaxTime/mult || total > MaxTime-n*mult {
			return 0, "too large"
		}
		total += n * mult
	}
	return total, ""
}

// quoteByte renders one byte of input for a message.
func quoteByte(b byte) string {
	if b < 0x20 || b >= 0x7f {
		return "\\x" + string("0123456789abcdef"[b>>4]) + string("0123456789abcdef"[b&15])
	}
	return "'" + string(b) + "'"
}

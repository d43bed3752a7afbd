package putty

import "strings"

// PuTTY turns a session name into a file name (Unix) or a registry key name
// (Windows) by %-escaping bytes, with upper-case hex digits. The two
// platforms escape different sets of bytes, but unescape the same way. The
// rules here follow PuTTY's unix/storage.c (make_session_filename,
// decode_session_filename) and windows/utils/escape_registry_key.c; names
// are bytes, as in PuTTY, not runes.

const hexDigits = "0123456789ABCDEF"

// EscapeFileName is the file name PuTTY on Unix gives a session: every byte
// but A-Z a-z 0-9 + - . @ _ becomes %XX. A leading '.' stays (unlike on
// Windows). An empty name means "Default Settings", as in PuTTY.
func EscapeFileName(name string) string {
	if name == "" {
		name = DefaultSettings
	}
	return escape(name, func(i int, c byte) bool {
		return c == '+' || c == '-' || c == '.' || c == '@' || c == '_' ||
			c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
	})
}

// EscapeRegistryKey is the registry key name PuTTY on Windows gives a
// session: space, \ * ? %, control characters, DEL and every byte above
// 0x7E become %XX, and so does a '.' at the start (a key named "." or ".."
// would be trouble); everything else stays.
func EscapeRegistryKey(name string) string {
	return escape(name, func(i int, c byte) bool {
		switch {
		case c == ' ', c == '\\', c == '*', c == '?', c == '%':
			return false
		case c < ' ', c > '~':
			return false
		case c == '.' && i == 0:
			return false
		}
		return true
	})
}

func escape(name string, keep func(i int, c byte) bool) string {
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		if keep(i, c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// UnescapeFileName is the session name PuTTY on Unix lists for a file name.
func UnescapeFileName(file string) string { return unescape(file) }

// UnescapeRegistryKey is the session name PuTTY on Windows lists for a key.
func UnescapeRegistryKey(key string) string { return unescape(key) }

// unescape decodes %XX the way PuTTY does, which is lenient: any two bytes
// after '%' are taken as hex digits by arithmetic (so "%2f" does not decode
// to '/'), and a '%' with fewer than two bytes after it stays as it is.
// PuTTY escapes the decoded name again to open the session, so a file whose
// name does not survive that round trip is listed by PuTTY but never loaded
// from; the stores skip such names.
func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] == '%' && i+2 < len(s) {
			b.WriteByte(byte(hexValue(s[i+1])<<4 + hexValue(s[i+2])))
			i += 3
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// hexValue is PuTTY's digit arithmetic on a (signed, as on x86) C char:
// '0'-'9' and 'A'-'F' give their values, other bytes whatever the
// subtraction gives; the caller truncates the sum to a byte as C does.
func hexValue(c byte) int {
	v := int(int8(c)) - '0'
	if v > 9 {
		v -= 7
	}
	return v
}

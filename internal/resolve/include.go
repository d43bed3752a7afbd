package resolve

import (
	"strings"

	"github.com/keepalive-ssh/keepalive/internal/connhash"
)

// expandInclude expands the ${ENV} and %-tokens of a client Include
// argument, as ssh does from OpenSSH 9.9 on (readconf.c
// expand_match_exec_or_include_path; before 9.9 they are literal text, and
// the glob usually matches nothing). It returns false when the argument
// includes nothing: an unset variable (ssh says so and goes on), or a token
// ssh refuses or keepalive cannot compute (then recorded).
func (w *walker) expandInclude(pos, arg string) (string, bool) {
	if w.opts.Dialect.Server || !strings.Contains(arg, "${") && !strings.Contains(arg, "%") {
		return arg, true
	}
	if !w.version().AtLeast(9, 9) {
		return arg, true
	}
	var b strings.Builder
	for i := 0; i < len(arg); i++ {
		c := arg[i]
		if c == '$' && i+1 < len(arg) && arg[i+1] == '{' {
			end := strings.IndexByte(arg[i+2:], '}')
			if end < 0 {
				w.problem(pos, "Include %s: environment variable '%s' missing closing '}'; ssh cannot expand it", arg, arg[i+2:])
				return "", false
			}
			name := arg[i+2 : i+2+end]
			if name == "" {
				w.problem(pos, "Include %s: zero-length environment variable", arg)
				return "", false
			}
			v, ok := "", false
			if w.opts.Getenv != nil {
				v, ok = w.opts.Getenv(name)
			}
			if !ok {
				return "", false // ssh: "env var ${X} has no value", and includes nothing
			}
			b.WriteString(v)
			i += end + 2
			continue
		}
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i+1 >= len(arg) {
			w.problem(pos, "Include %s: invalid format: a '%%' at the end; ssh exits on it", arg)
			return "", false
		}
		i++
		w.byHost()
		v, known, computed := w.token(arg[i])
		if !known {
			w.problem(pos, "Include %s: unknown token %%%c; ssh exits on it (write %%%% for a '%%')", arg, arg[i])
			return "", false
		}
		if !computed {
			w.incomplete(pos, "Include %s: keepalive cannot compute %%%c here, and did not read what it includes", arg, arg[i])
			return "", false
		}
		b.WriteString(v)
	}
	return b.String(), true
}

// token returns the value of a %-token of an Include: known says whether
// ssh knows the token, computed whether keepalive could compute it.
func (w *walker) token(t byte) (v string, known, computed bool) {
	host := w.hostName()
	if w.pass == 2 {
		host = w.finalHost
	}
	port := w.vals["port"]
	if port == "" {
		port = "22"
	}
	ruser := w.opts.User
	if ruser == "" {
		ruser = w.vals["user"]
	}
	if ruser == "" {
		ruser = w.opts.LocalUser
	}
	jump := w.vals["proxyjump"]
	if strings.EqualFold(jump, "none") {
		jump = ""
	}
	local := w.opts.LocalHost
	switch t {
	case '%':
		return "%", true, true
	case 'h':
		return host, true, true
	case 'n':
		return w.opts.Host, true, true
	case 'p':
		return port, true, true
	case 'r':
		return ruser, true, ruser != ""
	case 'u':
		return w.opts.LocalUser, true, w.opts.LocalUser != ""
	case 'd':
		return w.opts.Home, true, w.opts.Home != ""
	case 'i':
		return w.opts.UID, true, w.opts.UID != ""
	case 'j':
		return jump, true, true
	case 'k':
		if k := w.vals["hostkeyalias"]; k != "" {
			return k, true, true
		}
		return host, true, true
	case 'l':
		return local, true, local != ""
	case 'L':
		short, _, _ := strings.Cut(local, ".")
		return short, true, local != ""
	case 'C':
		// ssh_connection_hash: SHA-1 of %l%h%p%r%j, in hex.
		return connhash.Hash(local, host, port, ruser, jump), true, local != ""
	}
	return "", false, false
}

package resolve

import (
	"net"
	"os/user"
	"strings"
)

// hostName is the host ssh will connect to so far: HostName with %h
// expanded, else the host as typed.
func (w *walker) hostName() string {
	if hn, ok := w.vals["hostname"]; ok {
		return expandHost(hn, w.opts.Host)
	}
	return w.opts.Host
}

// hostForHostLine is what "Host" patterns are matched against: the host as
// typed, or in the final pass the host name ssh resolved.
func (w *walker) hostForHostLine() string {
	if w.pass == 2 {
		return w.finalHost
	}
	return w.opts.Host
}

// expandHost expands the %h and %% tokens OpenSSH allows in HostName.
func expandHost(v, host string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '%' && i+1 < len(v) {
			switch v[i+1] {
			case 'h':
				b.WriteString(host)
				i++
				continue
			case '%':
				b.WriteByte('%')
				i++
				continue
			}
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

// match evaluates the criteria of a Match line. All criteria must hold; a
// criterion keepalive cannot or will not evaluate (exec runs a command,
// localnetwork needs the interfaces) makes the block Maybe.
func (w *walker) match(pos string, args []string) State {
	if w.opts.Dialect.Server {
		return w.matchServer(pos, args)
	}
	result := Active
	for i := 0; i < len(args); i++ {
		attr := args[i]
		neg := strings.HasPrefix(attr, "!")
		attr = strings.ToLower(strings.TrimPrefix(attr, "!"))
		switch attr {
		case "all":
			if neg {
				return Inactive
			}
			continue
		case "canonical", "final":
			if attr == "final" {
				w.wantFinal = true
			}
			if (w.pass == 2) == neg {
				result = Inactive
			}
			continue
		}
		if i+1 >= len(args) {
			w.problem(pos, "Match %s: missing argument", attr)
			return Inactive
		}
		i++
		arg := args[i]
		var r State
		switch attr {
		case "host":
			h := w.hostName()
			if w.pass == 2 {
				h = w.finalHost
			}
			r = stateOf(matchList(strings.ToLower(h), arg, true) == 1)
		case "originalhost":
			r = stateOf(matchList(strings.ToLower(w.opts.Host), arg, true) == 1)
		case "user":
			u := w.opts.User
			if v, ok := w.vals["user"]; ok && u == "" {
				u = v
			}
			if u == "" {
				u = w.opts.LocalUser
			}
			r = stateOf(matchList(u, arg, false) == 1)
		case "localuser":
			r = stateOf(matchList(w.opts.LocalUser, arg, false) == 1)
		case "tagged":
			r = stateOf(matchList(w.vals["tag"], arg, false) == 1)
		default: // exec, localnetwork, version, sessiontype, command, ...
			r = Maybe
		}
		if neg {
			r = negate(r)
		}
		result = min(result, r)
	}
	return result
}

func negate(s State) State {
	switch s {
	case Active:
		return Inactive
	case Inactive:
		return Active
	}
	return Maybe
}

// matchServer evaluates sshd Match criteria against opts.Conn. Without a
// connection (the global view) only "Match all" applies.
func (w *walker) matchServer(pos string, args []string) State {
	if len(args) == 1 && strings.EqualFold(args[0], "all") {
		return stateOf(w.pass == 2)
	}
	c := w.opts.Conn
	if w.pass == 1 || c == nil {
		return Inactive
	}
	result := Active
	for i := 0; i+1 < len(args); i += 2 {
		attr, arg := strings.ToLower(args[i]), args[i+1]
		var r State
		switch attr {
		case "user":
			r = stateOf(matchList(c.User, arg, false) == 1)
		case "group":
			// ga_match_pattern_list: a group that matches a negated
			// pattern vetoes the criterion, whatever the others match.
			r = Inactive
		groups:
			for _, g := range c.Groups {
				switch matchList(g, arg, false) {
				case -1:
					r = Inactive
					break groups
				case 1:
					r = Active
				}
			}
		case "host":
			r = stateOf(matchList(strings.ToLower(c.Host), arg, true) == 1)
		case "address":
			r = stateOf(matchAddr(c.Addr, arg))
		case "localaddress":
			r = stateOf(matchAddr(c.LAddr, arg))
		case "localport":
			r = stateOf(c.LPort == arg)
		case "rdomain":
			r = stateOf(matchList(c.RDomain, arg, false) == 1)
		default:
			r = Maybe
		}
		result = min(result, r)
	}
	return result
}

// matchAddr matches an address against a list of patterns and CIDR
// ranges, any negated with '!'.
func matchAddr(addr, list string) bool {
	ip := net.ParseIP(addr)
	got := false
	for _, p := range strings.Split(list, ",") {
		neg := strings.HasPrefix(p, "!")
		p = strings.TrimPrefix(p, "!")
		m := matchPattern(addr, p)
		if _, n, err := net.ParseCIDR(p); err == nil && ip != nil {
			m = n.Contains(ip)
		}
		if m && neg {
			return false
		}
		got = got || m
	}
	return got
}

// expandTilde expands "~" and "~user" at the start of a path.
func expandTilde(p, home string) (string, error) {
	rest := p[1:]
	name, tail, _ := strings.Cut(rest, "/")
	if name == "" {
		return home + "/" + tail, nil
	}
	u, err := user.Lookup(name)
	if err != nil {
		return "", err
	}
	return u.HomeDir + "/" + tail, nil
}

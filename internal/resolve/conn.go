package resolve

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseConn reads a connection spec as `sshd -T -C` does
// (servconf.c parse_server_match_testspec):
// "user=U,host=H,addr=A,laddr=L,lport=P,rdomain=R", any subset, in any
// order; an empty element ends the spec. An empty spec gives nil, the
// global view of sshd -T without -C.
func ParseConn(spec string) (*Conn, error) {
	if spec == "" {
		return nil, nil
	}
	c := &Conn{}
	for _, p := range strings.Split(spec, ",") {
		if p == "" {
			break
		}
		k, v, _ := strings.Cut(p, "=")
		switch {
		case !strings.Contains(p, "="):
			return nil, fmt.Errorf("invalid connection spec element %q: want user=, host=, addr=, laddr=, lport= or rdomain=", p)
		case k == "addr":
			c.Addr = v
		case k == "host":
			c.Host = v
		case k == "user":
			c.User = v
		case k == "laddr":
			c.LAddr = v
		case k == "rdomain":
			c.RDomain = v
		case k == "lport":
			if n, err := strconv.Atoi(v); err != nil || n < 0 || n > 65535 {
				return nil, fmt.Errorf("invalid port %q in connection spec element %q: want 1-65535", v, p)
			}
			c.LPort = v
		default:
			return nil, fmt.Errorf("invalid connection spec element %q: want user=, host=, addr=, laddr=, lport= or rdomain=", p)
		}
	}
	return c, nil
}

// Spec renders the connection as `sshd -T -C` takes it.
func (c *Conn) Spec() string {
	if c == nil {
		return ""
	}
	var parts []string
	for _, kv := range [][2]string{{"user", c.User}, {"host", c.Host}, {"addr", c.Addr}, {"laddr", c.LAddr}, {"lport", c.LPort}, {"rdomain", c.RDomain}} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+"="+kv[1])
		}
	}
	return strings.Join(parts, ",")
}

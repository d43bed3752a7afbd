package resolve

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// xaddr is an address as OpenSSH's addr.c holds it: a family and bytes.
type xaddr struct {
	v4 bool
	ip net.IP // 4 bytes for IPv4, 16 for IPv6
}

// addrPton parses a numeric address the way getaddrinfo(AI_NUMERICHOST)
// does: IPv4 in inet_aton's forms ("10.1", "0x7f.1", octal parts) or IPv6.
func addrPton(s string) (xaddr, bool) {
	if ip, ok := inetAton(s); ok {
		return xaddr{v4: true, ip: ip}, true
	}
	host := s
	if i := strings.IndexByte(host, '%'); i >= 0 { // a scope: fe80::1%eth0
		host = host[:i]
	}
	if strings.Contains(host, ":") {
		if ip := net.ParseIP(host); ip != nil {
			return xaddr{ip: ip.To16()}, true
		}
	}
	return xaddr{}, false
}

// inetAton is glibc's exact inet_aton: one to four parts, each a C number
// (0x hex, leading 0 octal), the last filling the remaining bytes.
func inetAton(s string) (net.IP, bool) {
	if s == "" {
		return nil, false
	}
	if strings.Count(s, ".") > 3 {
		return nil, false
	}
	var buf [4]uint64
	vals := buf[:0]
	for p := range strings.SplitSeq(s, ".") {
		if p == "" || p[0] < '0' || p[0] > '9' {
			return nil, false
		}
		base, digits := 10, p
		switch {
		case len(p) > 1 && (p[1] == 'x' || p[1] == 'X') && p[0] == '0':
			base, digits = 16, p[2:]
			if digits == "" {
				digits = "0"
			}
		case len(p) > 1 && p[0] == '0':
			base, digits = 8, p[1:]
		}
		n, err := strconv.ParseUint(digits, base, 32)
		if err != nil {
			return nil, false
		}
		vals = append(vals, n)
	}
	last := vals[len(vals)-1]
	var v uint64
	for i, n := range vals[:len(vals)-1] {
		if n > 255 {
			return nil, false
		}
		v |= n << (24 - 8*uint(i))
	}
	if last >= 1<<(8*uint(5-len(vals))) {
		return nil, false
	}
	v |= last
	return net.IPv4(byte(v>>24), byte(v>>16), byte(v>>8), byte(v)).To4(), true
}

// addrPtonCIDR is addr.c's addr_pton_cidr: 0 for a network, -1 for text
// that is not one (it may still be a wildcard pattern), -2 for a network
// with a mask too long for its family or host bits set.
func addrPtonCIDR(p string) (xaddr, int, int) {
	if len(p) >= 64 {
		return xaddr{}, 0, -1
	}
	a, m, hasMask := strings.Cut(p, "/")
	masklen := 0
	if hasMask {
		if m == "" || m[0] < '0' || m[0] > '9' {
			return xaddr{}, 0, -1
		}
		n, err := strconv.ParseUint(m, 10, 64)
		if err != nil || n > 128 {
			return xaddr{}, 0, -1
		}
		masklen = int(n)
	}
	x, ok := addrPton(a)
	if !ok {
		return xaddr{}, 0, -1
	}
	bits := 128
	if x.v4 {
		bits = 32
	}
	if !hasMask {
		masklen = bits
	}
	if masklen > bits {
		return xaddr{}, 0, -2
	}
	mask := net.CIDRMask(masklen, bits)
	for i := range x.ip {
		if x.ip[i]&^mask[i] != 0 {
			return xaddr{}, 0, -2
		}
	}
	return x, masklen, 0
}

// addrMatchList is match.c's addr_match_list: 1 when addr matches an entry
// (an address, a CIDR network or a wildcard pattern), -1 when it matches a
// negated one, 0 for none, -2 for an invalid list. An empty addr (NULL)
// only checks the list.
func addrMatchList(addr, list string) int {
	var try xaddr
	if addr != "" {
		var ok bool
		if try, ok = addrPton(addr); !ok {
			return 0
		}
	}
	ret := 0
	for cp := range strings.SplitSeq(list, ",") {
		neg := strings.HasPrefix(cp, "!")
		if neg {
			cp = cp[1:]
		}
		if cp == "" {
			return -2
		}
		net, masklen, r := addrPtonCIDR(cp)
		found := false
		switch r {
		case -2:
			return -2
		case 0:
			found = addr != "" && netmatch(try, net, masklen)
		default:
			found = addr != "" && matchPattern(addr, cp)
		}
		if found {
			if neg {
				return -1
			}
			ret = 1
		}
	}
	return ret
}

func netmatch(host, net xaddr, masklen int) bool {
	if host.v4 != net.v4 {
		return false
	}
	bits := 128
	if host.v4 {
		bits = 32
	}
	return host.ip.Mask(maskOf(masklen, bits)).Equal(net.ip)
}

func maskOf(n, bits int) net.IPMask { return net.CIDRMask(n, bits) }

// cidrList checks a localnetwork list as addr_match_cidr_list does: CIDR
// networks (or addresses), no wildcards, at most 256 characters each.
func cidrList(list string) error {
	for cp := range strings.SplitSeq(list, ",") {
		if len(cp) == 0 || len(cp) > 256 || strings.Trim(cp, "0123456789abcdefABCDEF.:/") != "" {
			return fmt.Errorf("Match localnetwork: invalid network %q in list %q", cp, list)
		}
		if _, _, r := addrPtonCIDR(cp); r != 0 {
			return fmt.Errorf("Match localnetwork: invalid network %q in list %q", cp, list)
		}
	}
	return nil
}

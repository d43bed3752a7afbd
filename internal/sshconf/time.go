package sshconf

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

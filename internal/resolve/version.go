package resolve

import (
	"regexp"
	"strconv"
	"strings"
)

// Version is the OpenSSH release whose semantics an evaluation follows
// where releases differ: how Match arguments are split (9.9 stopped
// splitting "criterion=value", 10.0 split it again), the Match criteria
// that exist (tagged and localnetwork from 9.4, version, command and
// sessiontype from 10.0), ${ENV} and %-tokens in Include (from 9.9), and
// Debian's SetupTimeOut alias (ServerAliveInterval before Debian's 1:9.9).
type Version struct {
	Major, Minor int
	// Release is OpenSSH's SSH_RELEASE, what "Match version" matches:
	// "OpenSSH_9.2p1".
	Release string
	// Debian is true for a Debian or Ubuntu build.
	Debian bool
	// Text is what the version was read from ("ssh -V" output), for
	// messages; "" when it is unknown.
	Text string
}

// Known reports whether the version was read from a program. An unknown
// version is evaluated as the newest release keepalive knows (see AtLeast).
func (v Version) Known() bool { return v.Major > 0 }

// AtLeast reports whether v is major.minor or later. An unknown version is
// taken to be the newest.
func (v Version) AtLeast(major, minor int) bool {
	if !v.Known() {
		return true
	}
	return v.Major > major || v.Major == major && v.Minor >= minor
}

// String names the version for a message: "OpenSSH_9.2p1 Debian-2+deb12u10"
// or "OpenSSH 10.0 or later (version unknown)".
func (v Version) String() string {
	if !v.Known() {
		return "the newest OpenSSH (version unknown)"
	}
	if t, _, _ := strings.Cut(v.Text, ","); t != "" {
		return strings.TrimSpace(t)
	}
	return v.Release
}

var versionRE = regexp.MustCompile(`OpenSSH_(\d+)\.(\d+)[^\s,]*`)

// ParseVersion reads the output of "ssh -V", such as
// "OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.19 27 Jan 2026". It returns
// the zero (unknown) Version when the text names no OpenSSH release.
func ParseVersion(text string) Version {
	text = strings.TrimSpace(text)
	if i := strings.IndexByte(text, '\n'); i >= 0 {
		text = text[:i]
	}
	m := versionRE.FindStringSubmatch(text)
	if m == nil {
		return Version{}
	}
	major, _ := strconv.Atoi(m[1])
	minor, _ := strconv.Atoi(m[2])
	return Version{
		Major:   major,
		Minor:   minor,
		Release: m[0],
		Debian:  strings.Contains(text, "Debian") || strings.Contains(text, "Ubuntu"),
		Text:    text,
	}
}

// setupTimeOutIsAlive reports whether SetupTimeOut means ServerAliveInterval
// in this version: Debian's and Ubuntu's before 1:9.9.
func (v Version) setupTimeOutIsAlive() bool {
	return v.Debian && !v.AtLeast(9, 9)
}

package openssh

import (
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
)

// Version is an OpenSSH release as `ssh -V` names it.
type Version struct {
	Major, Minor int
	// Debian is true for Debian's and Ubuntu's builds, which carry
	// patches of their own (aliases such as ProtocolKeepAlives).
	Debian bool
}

func (v Version) String() string {
	s := fmt.Sprintf("OpenSSH %d.%d", v.Major, v.Minor)
	if v.Debian {
		s += " (Debian)"
	}
	return s
}

// AtLeast reports whether v is major.minor or later.
func (v Version) AtLeast(major, minor int) bool {
	return v.Major > major || v.Major == major && v.Minor >= minor
}

// DebianSetupTimeOut reports whether this ssh reads SetupTimeOut as
// ServerAliveInterval: Debian's and Ubuntu's before 1:9.9; since then, and
// upstream, it means ConnectTimeout.
func (v Version) DebianSetupTimeOut() bool { return v.Debian && !v.AtLeast(9, 9) }

var versionRE = regexp.MustCompile(`OpenSSH_(\d+)\.(\d+)`)

// ParseVersion reads `ssh -V` output such as "OpenSSH_9.2p1
// Debian-2+deb12u10, OpenSSL 3.0.19 27 Jan 2026".
func ParseVersion(out string) (Version, bool) {
	m := versionRE.FindStringSubmatch(out)
	if m == nil {
		return Version{}, false
	}
	major, _ := strconv.Atoi(m[1])
	minor, _ := strconv.Atoi(m[2])
	return Version{Major: major, Minor: minor, Debian: strings.Contains(out, "Debian") || strings.Contains(out, "Ubuntu")}, true
}

// InstalledVersion asks the installed ssh for its version. It reads the
// release ssh -V prints from the program's file when the file names it
// unambiguously (ReleaseIn), which costs a tenth of running it; else it
// runs ssh -V.
func InstalledVersion() (Version, error) {
	bin, err := Find("ssh")
	if err != nil {
		return Version{}, err
	}
	if rel, ok := ReleaseIn(bin); ok {
		if v, ok := ParseVersion(rel); ok {
			return v, nil
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "-V").CombinedOutput()
	if err != nil {
		return Version{}, fmt.Errorf("%s -V: %w", bin, err)
	}
	v, ok := ParseVersion(string(out))
	if !ok {
		return Version{}, fmt.Errorf("%s -V: no OpenSSH version in %q", bin, strings.TrimSpace(string(out)))
	}
	return v, nil
}

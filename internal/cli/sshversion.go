package cli

import (
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// debianSetupTimeOut reports whether the installed ssh is Debian's (or
// Ubuntu's) before 1:9.9, whose SetupTimeOut is an alias of
// ServerAliveInterval; since then, and upstream, it means ConnectTimeout.
// It runs `ssh -V` once, and only when a config has a SetupTimeOut line.
var debianSetupTimeOut = sync.OnceValue(func() bool {
	out, err := exec.Command("ssh", "-V").CombinedOutput()
	if err != nil {
		return false
	}
	return oldDebianSSH(string(out))
})

var sshVersion = regexp.MustCompile(`OpenSSH_(\d+)\.(\d+)`)

// oldDebianSSH reads `ssh -V` output such as
// "OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.19 27 Jan 2026".
func oldDebianSSH(v string) bool {
	m := sshVersion.FindStringSubmatch(v)
	if m == nil || !(strings.Contains(v, "Debian") || strings.Contains(v, "Ubuntu")) {
		return false
	}
	major, _ := strconv.Atoi(m[1])
	minor, _ := strconv.Atoi(m[2])
	return major < 9 || major == 9 && minor < 9
}

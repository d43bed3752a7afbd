package resolve

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// SystemDir is where OpenSSH keeps its system-wide files and anchors a
// relative Include in them: /etc/ssh, or %ProgramData%\ssh with Windows'
// OpenSSH.
func SystemDir() string {
	if runtime.GOOS == "windows" {
		pd := os.Getenv("ProgramData")
		if pd == "" {
			pd = `C:\ProgramData`
		}
		return filepath.Join(pd, "ssh")
	}
	return "/etc/ssh"
}

// isAbs reports whether an Include argument is anchored already: a leading
// '/' everywhere (OpenSSH's test), and a drive or UNC path on Windows.
func isAbs(p string) bool {
	return strings.HasPrefix(p, "/") || filepath.IsAbs(p)
}

// AnchorSystem anchors an Include argument of a system file the way ssh and
// sshd do.
func AnchorSystem(arg string) string {
	if isAbs(arg) {
		return arg
	}
	return filepath.Join(SystemDir(), arg)
}

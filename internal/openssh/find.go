package openssh

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// Timeout bounds one run of ssh or sshd: ssh -G may try DNS while
// canonicalizing a host name, and sshd -t must never hold an edit for long.
const Timeout = 30 * time.Second

// ErrNotFound is matched (errors.Is) by the error of a program that is not
// installed.
var ErrNotFound = errors.New("not installed")

// NotInstalledError says which program is missing and where it was looked
// for.
type NotInstalledError struct {
	Name string
	Dirs []string
}

func (e *NotInstalledError) Error() string {
	return fmt.Sprintf("%s is not installed (looked in %s)", e.Name, strings.Join(e.Dirs, ", "))
}

func (e *NotInstalledError) Is(target error) bool { return target == ErrNotFound }

// SystemDirs are where OpenSSH's packages install ssh and sshd. Root looks
// only here: a $PATH that sudo kept from the user who ran it could
// otherwise name a program of theirs, which would then run as root.
func SystemDirs() []string {
	if runtime.GOOS == "windows" {
		return []string{
			filepath.Join(os.Getenv("SystemRoot"), "System32", "OpenSSH"),
			filepath.Join(os.Getenv("ProgramFiles"), "OpenSSH"),
		}
	}
	return []string{"/usr/bin", "/usr/sbin", "/bin", "/sbin", "/usr/local/bin", "/usr/local/sbin",
		"/usr/libexec", "/opt/homebrew/bin", "/opt/homebrew/sbin"}
}

// Find returns the path of an OpenSSH program ("ssh", "sshd"; ".exe" is
// added on Windows). Other users also look in $PATH first, as their shell
// would; root looks only in SystemDirs.
func Find(name string) (string, error) {
	if runtime.GOOS == "windows" && !strings.HasSuffix(name, ".exe") {
		name += ".exe"
	}
	if runtime.GOOS == "windows" || os.Geteuid() != 0 {
		if p, err := exec.LookPath(name); err == nil {
			if abs, err := filepath.Abs(p); err == nil {
				return abs, nil
			}
		}
	}
	dirs := SystemDirs()
	for _, d := range dirs {
		if p := filepath.Join(d, name); isProgram(p) {
			return p, nil
		}
	}
	return "", &NotInstalledError{Name: strings.TrimSuffix(name, ".exe"), Dirs: dirs}
}

// isProgram says whether p is a regular file that can be run.
func isProgram(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && (runtime.GOOS == "windows" || fi.Mode()&0o111 != 0)
}

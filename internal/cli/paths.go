package cli

import (
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"

	"github.com/keepalive-ssh/keepalive/internal/resolve"
)

// account is whose user config an edit reads: the home directory, and
// under sudo the invoking user, who must own any file created for them.
type account struct {
	Home     string
	Name     string
	UID, GID int
	Sudo     bool // the invoking user of sudo, not the process's own
	// ForSudo: this process is the invoking user of sudo, run by a root
	// keepalive for --user (see handoff.go).
	ForSudo bool
	// PwHome is the home in the password database, which is where ssh
	// itself looks (it ignores $HOME); empty when unknown.
	PwHome string
}

// currentAccount returns the user whose ~/.ssh/config is meant. Under sudo
// that is root's own unless forUser (an explicit --user) asks for the
// invoking user's, named by SUDO_USER.
func currentAccount(forUser bool) (account, error) {
	if sudoUser := os.Getenv("SUDO_USER"); forUser && sudoUser != "" && os.Geteuid() == 0 && sudoUser != "root" {
		u, err := user.Lookup(sudoUser)
		if err != nil {
			return account{}, fmt.Errorf("look up SUDO_USER %q: %w", sudoUser, err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		return account{Home: u.HomeDir, Name: u.Username, UID: uid, GID: gid, Sudo: true}, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return account{}, fmt.Errorf("find the home directory: %w", err)
	}
	pwHome := ""
	if u, err := user.Current(); err == nil {
		pwHome = u.HomeDir
	}
	if os.Getenv("SUDO_USER") != "" && os.Geteuid() == 0 && pwHome != "" {
		// Under sudo without --user, root's own config is meant, even when
		// sudo kept the invoking user's $HOME (sudo -E): root must not
		// edit another user's files unasked.
		home = pwHome
	}
	name := os.Getenv("USER")
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	forSudo := forUser && os.Geteuid() != 0 && os.Getenv("SUDO_UID") == strconv.Itoa(os.Geteuid())
	return account{Home: home, PwHome: pwHome, Name: name, UID: -1, GID: -1, ForSudo: forSudo}, nil
}

// userConfig is the user's ssh client config.
func userConfig(home string) string {
	return filepath.Join(home, ".ssh", "config")
}

// systemDir is where OpenSSH keeps its system-wide files, under root.
func systemDir(root string) string {
	if runtime.GOOS == "windows" && root != "" {
		return filepath.Join(root, "ProgramData", "ssh")
	}
	if runtime.GOOS == "windows" {
		return resolve.SystemDir()
	}
	return filepath.Join(rootDir(root), "etc", "ssh")
}

func rootDir(root string) string {
	if root == "" {
		return "/"
	}
	return root
}

// systemClientConfig is /etc/ssh/ssh_config (under --root).
func systemClientConfig(root string) string {
	return filepath.Join(systemDir(root), "ssh_config")
}

// serverConfig is /etc/ssh/sshd_config (under --root).
func serverConfig(root string) string {
	return filepath.Join(systemDir(root), "sshd_config")
}

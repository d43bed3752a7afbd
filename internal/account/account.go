// Package account knows whose files keepalive reads and edits, and where
// OpenSSH keeps them: the user whose ~/.ssh/config is meant (under sudo the
// invoking user only when asked), the home directory ssh itself reads, and
// the system directory (/etc/ssh, %ProgramData%\ssh) under --root.
package account

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/keepalive-ssh/keepalive/internal/atomicfile"
	"github.com/keepalive-ssh/keepalive/internal/passwd"
	"github.com/keepalive-ssh/keepalive/internal/privilege"
	"github.com/keepalive-ssh/keepalive/internal/resolve"
)

// Account is whose user config an edit reads: the home directory, and
// under sudo the invoking user, who must own any file created for them.
type Account struct {
	Home     string
	Name     string
	UID, GID int
	Sudo     bool // the invoking user of sudo, not the process's own
	// PwHome is the home in the password database, which is where ssh
	// itself looks (it ignores $HOME); empty when unknown.
	PwHome string
}

// Current returns the user whose ~/.ssh/config is meant. Under sudo
// that is root's own unless forUser (an explicit --user) asks for the
// invoking user's, named by SUDO_USER.
func Current(forUser bool) (Account, error) {
	if sudoUser := os.Getenv("SUDO_USER"); forUser && sudoUser != "" && os.Geteuid() == 0 && sudoUser != "root" {
		u, err := passwd.Lookup(sudoUser)
		if err != nil {
			return Account{}, fmt.Errorf("look up SUDO_USER %q: %w", sudoUser, err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		return Account{Home: u.HomeDir, Name: u.Username, UID: uid, GID: gid, Sudo: true}, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return Account{}, fmt.Errorf("find the home directory: %w", err)
	}
	pwHome, name := "", os.Getenv("USER")
	if u, err := passwd.Current(); err == nil {
		pwHome, name = u.HomeDir, u.Username
	}
	if os.Getenv("SUDO_USER") != "" && os.Geteuid() == 0 && pwHome != "" {
		// Under sudo without --user, root's own config is meant, even when
		// sudo kept the invoking user's $HOME (sudo -E): root must not
		// edit another user's files unasked.
		home = pwHome
	}
	return Account{Home: home, PwHome: pwHome, Name: name, UID: -1, GID: -1}, nil
}

// UserConfig is the user's ssh client config.
func UserConfig(home string) string {
	return filepath.Join(home, ".ssh", "config")
}

// HomeIn returns the home directory of user name inside the system image
// at root, as that system's ssh would find it: its /etc/passwd entry, else
// /root for root and /home/NAME for others. The path is the image's own
// (without root).
func HomeIn(root, name string) string {
	// Read inside the image (its links resolve inside it), never blocking
	// on a FIFO and at most a config's size.
	if snap, err := atomicfile.ReadIn(root, filepath.Join(root, "etc", "passwd")); err == nil {
		data := snap.Data
		snap.Close()
		for _, line := range strings.Split(string(data), "\n") {
			f := strings.Split(line, ":")
			if len(f) >= 7 && f[0] == name && strings.HasPrefix(f[5], "/") {
				return filepath.Clean(f[5])
			}
		}
	}
	if name == "root" {
		return "/root"
	}
	return filepath.Join("/home", name)
}

// SystemDir is where OpenSSH keeps its system-wide files, under root.
func SystemDir(root string) string {
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

// SystemClientConfig is /etc/ssh/ssh_config (under --root).
func SystemClientConfig(root string) string {
	return filepath.Join(SystemDir(root), "ssh_config")
}

// ServerConfig is /etc/ssh/sshd_config (under --root).
func ServerConfig(root string) string {
	return filepath.Join(SystemDir(root), "sshd_config")
}

// IsServerConfig reports whether path is this machine's sshd_config, the
// file a running sshd reads (ServerConfig("")), by any name.
func IsServerConfig(path string) bool {
	a, errA := os.Stat(path)
	b, errB := os.Stat(ServerConfig(""))
	if errA != nil || errB != nil {
		return filepath.Clean(path) == ServerConfig("")
	}
	return os.SameFile(a, b)
}

// View is what ssh itself reads for the user running keepalive (show): it
// takes the user config from the password database's home, ignoring $HOME,
// but expands '~' in an Include from $HOME. Zero fields are filled by Fill.
type View struct {
	// UserConfig is the file ssh reads as the user's config.
	UserConfig string
	// Home is what '~' means in an Include.
	Home      string
	LocalUser string
}

// Fill completes the view from the process, as ssh finds it.
func (v *View) Fill() error {
	u, uerr := passwd.Current()
	if v.UserConfig == "" {
		home := ""
		if uerr == nil {
			home = u.HomeDir
		}
		if home == "" {
			h, err := os.UserHomeDir()
			if err != nil {
				return fmt.Errorf("find the home directory: %w", err)
			}
			home = h
		}
		v.UserConfig = UserConfig(home)
	}
	if v.Home == "" {
		v.Home = os.Getenv("HOME")
		if v.Home == "" {
			v.Home = filepath.Dir(filepath.Dir(v.UserConfig))
		}
	}
	if v.LocalUser == "" {
		if uerr == nil {
			v.LocalUser = u.Username
		} else {
			v.LocalUser = os.Getenv("USER")
		}
	}
	return nil
}

// ClientFiles are the client configs an edit changes (reads false: the
// user's, or --system's, or --file) or that ssh reads (reads true: the
// password database's home, whatever $HOME says, then the system config),
// under root for --root.
func (a Account) ClientFiles(file string, system bool, root string, reads bool) []resolve.Input {
	main := resolve.Input{Path: UserConfig(a.Home), User: true}
	switch {
	case file != "":
		return []resolve.Input{{Path: file, User: !system}}
	case system:
		return []resolve.Input{{Path: SystemClientConfig(root)}}
	case root != "":
		// The image's own user config: the user's home in the image's
		// /etc/passwd, inside the image.
		main.Path = filepath.Join(root, UserConfig(HomeIn(root, a.Name)))
	case reads && a.PwHome != "":
		main.Path = UserConfig(a.PwHome)
	}
	if !reads {
		return []resolve.Input{main}
	}
	return []resolve.Input{main, {Path: SystemClientConfig(root)}}
}

// SudoNote says whose ~/.ssh/config an edit of the user config under sudo
// is for, or "" when not under sudo. Under sudo keepalive edits root's own
// ~/.ssh/config unless --user (forUser) asks for the invoking user's, which
// is then edited as that user: root runs keepalive again as them, and this
// process is that run (SUDO_UID is its uid), or a is that user (Sudo).
func SudoNote(a Account, forUser bool, path string) string {
	sudoUser, euid := os.Getenv("SUDO_USER"), os.Geteuid()
	switch {
	case forUser && (a.Sudo || euid > 0 && os.Getenv("SUDO_UID") == strconv.Itoa(euid)):
		return fmt.Sprintf("under sudo --user: editing %s's %s as %s, the user who ran sudo", a.Name, path, a.Name)
	case !forUser && euid == 0 && sudoUser != "" && sudoUser != "root":
		return fmt.Sprintf("under sudo: editing root's own %s; --user edits %s's ~/.ssh/config instead (as %s), --system /etc/ssh/ssh_config", path, sudoUser, sudoUser)
	}
	return ""
}

// WriteOptions are the atomicfile options for a config of a: a user's
// config is 0600 in a 0700 ~/.ssh (owned by the user who ran sudo when a
// is that user), a system one 0644 so that every user's ssh can read it.
func (a Account) WriteOptions(system bool, root string) atomicfile.Options {
	if system {
		return atomicfile.Options{Perm: 0o644, DirPerm: 0o755, Root: root}
	}
	wo := atomicfile.Options{Perm: 0o600, DirPerm: 0o700, Root: root}
	if a.Sudo {
		wo.SetOwner, wo.UID, wo.GID = true, a.UID, a.GID
	}
	return wo
}

// EditNotes are what to say before editing path, a's own ~/.ssh/config:
// whose it is under sudo (SudoNote), and that $HOME is not where ssh looks.
func (a Account) EditNotes(forUser bool, path string) []string {
	var notes []string
	if n := SudoNote(a, forUser, path); n != "" {
		notes = append(notes, n)
	}
	if a.PwHome != "" && filepath.Clean(a.PwHome) != filepath.Clean(a.Home) {
		notes = append(notes, fmt.Sprintf("editing %s because $HOME is %s, but ssh reads %s (it ignores $HOME)", path, a.Home, UserConfig(a.PwHome)))
	}
	return notes
}

// RequireRoot refuses a --root that is not a directory: keepalive creates
// no directory trees.
func RequireRoot(root string) error {
	if root == "" {
		return nil
	}
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		return &privilege.Refusal{Err: fmt.Errorf("--root %s: not a directory; nothing was written", root),
			Hint: "give the directory where the image or container is mounted"}
	}
	return nil
}

// Tilde shortens a path under the user's home to ~/... for messages.
func Tilde(p string) string {
	if h, err := os.UserHomeDir(); err == nil && strings.HasPrefix(p, h+string(filepath.Separator)) {
		return "~" + p[len(h):]
	}
	return p
}

// PuttySudoNote says whose PuTTY sessions (in where) an edit under sudo
// changes: root's, as sudo usually sets HOME to root's; "" when not under
// sudo.
func PuttySudoNote(where string) string {
	if u := os.Getenv("SUDO_USER"); u != "" && u != "root" && os.Geteuid() == 0 {
		return fmt.Sprintf("under sudo, editing the PuTTY sessions in %s; to edit %s's, run keepalive as %s (PuTTY sessions need no sudo)", where, u, u)
	}
	return ""
}

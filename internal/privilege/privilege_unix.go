//go:build unix

package privilege

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/keepalive-ssh/keepalive/internal/passwd"
)

// Controller returns the first account other than root that can change
// what path leads to, walking it from / as the kernel resolves it (every
// symlink followed by its text): the owner of a directory, of a symlink or
// of the file itself. UID 0 means root alone controls the path. The walk
// stops at the first component that does not exist: whoever controls its
// directory controls what will be created there.
//
// A directory that its group (other than root's) or everyone can write,
// without the sticky bit, is an error wrapping ErrShared. In a sticky
// directory (/tmp) only the owner of an entry can replace it, so the
// entry's owner counts.
func Controller(path string) (Owner, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return Owner{}, err
	}
	if o, err := check("/"); err != nil || o.UID != 0 {
		return o, err
	}
	todo := split(abs)
	cur := "/"
	links := 0
	for len(todo) > 0 {
		name := todo[0]
		todo = todo[1:]
		if name == ".." {
			cur = filepath.Dir(cur) // cur has no symlinks left in it
			continue
		}
		next := filepath.Join(cur, name)
		fi, err := os.Lstat(next)
		if errors.Is(err, fs.ErrNotExist) {
			return Owner{GID: 0, Path: cur}, nil
		}
		if err != nil {
			return Owner{}, err
		}
		if o := ownerOf(fi, next); o.UID != 0 {
			return o, nil
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			if links++; links > maxLinks {
				return Owner{}, fmt.Errorf("%s: too many levels of symbolic links", path)
			}
			target, err := os.Readlink(next)
			if err != nil {
				return Owner{}, err
			}
			if filepath.IsAbs(target) {
				cur = "/"
			}
			todo = append(split(target), todo...)
			continue
		}
		if fi.IsDir() {
			if o, err := check(next); err != nil {
				return o, err
			}
		}
		cur = next
	}
	return Owner{Path: cur}, nil
}

// check refuses a directory others can write.
func check(dir string) (Owner, error) {
	fi, err := os.Lstat(dir)
	if err != nil {
		return Owner{}, err
	}
	o := ownerOf(fi, dir)
	if o.UID != 0 {
		return o, nil
	}
	m := fi.Mode()
	if m&fs.ModeSticky == 0 && (m&0o002 != 0 || m&0o020 != 0 && o.GID != 0) {
		return Owner{}, sharedError(dir)
	}
	return o, nil
}

func ownerOf(fi fs.FileInfo, path string) Owner {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return Owner{Path: path}
	}
	return Owner{UID: int(st.Uid), GID: int(st.Gid), Path: path}
}

// split turns a path into its names, dropping empty ones and ".".
func split(p string) []string {
	var out []string
	for _, s := range strings.Split(p, "/") {
		if s != "" && s != "." {
			out = append(out, s)
		}
	}
	return out
}

// Lookup returns the account of uid from the password database, with its
// primary and supplementary groups. A uid without an entry gets gid and no
// supplementary groups.
func Lookup(uid, gid int) Account {
	a := Account{Name: "uid " + strconv.Itoa(uid), UID: uid, GID: gid}
	u, err := passwd.LookupId(strconv.Itoa(uid))
	if err != nil {
		return a
	}
	a.Name, a.Home = u.Username, u.HomeDir
	if g, err := strconv.Atoi(u.Gid); err == nil {
		a.GID = g
	}
	if ids, err := u.GroupIds(); err == nil {
		for _, id := range ids {
			if g, err := strconv.Atoi(id); err == nil {
				a.Groups = append(a.Groups, g)
			}
		}
	}
	return a
}

// SudoUser returns the account that ran sudo, when this process is root
// started by sudo for another user.
func SudoUser() (Account, bool) {
	if os.Geteuid() != 0 {
		return Account{}, false
	}
	uid, err := strconv.Atoi(os.Getenv("SUDO_UID"))
	if err != nil || uid == 0 {
		return Account{}, false
	}
	gid, err := strconv.Atoi(os.Getenv("SUDO_GID"))
	if err != nil {
		gid = uid
	}
	return Lookup(uid, gid), true
}

// Root reports whether this process acts as root, and so must hand files
// other accounts control to them.
func Root() bool { return os.Geteuid() == 0 }

// Run runs this program again with args as acct and returns its exit code.
// The child gets the same standard streams and environment, except HOME
// when home is not empty and XDG_RUNTIME_DIR, which is acct's own or unset.
// Interrupts reach the child (it is in the same process group); this
// process waits for it.
func Run(acct Account, args []string, home string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	exe, err := os.Executable()
	if err != nil {
		return 1, fmt.Errorf("find keepalive's own program to run as %s: %w", acct.Name, err)
	}
	cmd := exec.Command(exe, args...)
	// os.Args[0], not exe: a program that dispatches on its name (a test
	// binary run as "keepalive") must see the same name.
	cmd.Args[0] = os.Args[0]
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	cmd.Env = childEnv(os.Environ(), acct, home)
	groups := make([]uint32, 0, len(acct.Groups))
	for _, g := range acct.Groups {
		groups = append(groups, uint32(g))
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{
		Uid: uint32(acct.UID), Gid: uint32(acct.GID), Groups: groups,
	}}
	// The child gets the terminal's interrupts itself; this process only
	// waits for it to finish, whatever it does with them.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sig)
	if err := cmd.Start(); err != nil {
		return 1, fmt.Errorf("run keepalive as %s (uid %d): %w", acct.Name, acct.UID, err)
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-sig:
				if s != os.Interrupt { // SIGINT from a terminal reached it already
					cmd.Process.Signal(s)
				}
			case <-done:
				return
			}
		}
	}()
	err = cmd.Wait()
	close(done)
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, nil
	case errors.As(err, &ee):
		if code := ee.ExitCode(); code >= 0 {
			return code, nil
		}
		return 1, fmt.Errorf("keepalive run as %s: %v", acct.Name, ee.ProcessState)
	default:
		return 1, fmt.Errorf("keepalive run as %s: %w", acct.Name, err)
	}
}

// childEnv is env for a run as acct.
func childEnv(env []string, acct Account, home string) []string {
	out := make([]string, 0, len(env)+2)
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if k == "XDG_RUNTIME_DIR" || home != "" && k == "HOME" {
			continue
		}
		out = append(out, kv)
	}
	if home != "" {
		out = append(out, "HOME="+home)
	}
	// The user's runtime directory holds their lock files; root's would
	// not even be writable.
	rt := filepath.Join("/run/user", strconv.Itoa(acct.UID))
	if fi, err := os.Stat(rt); err == nil && fi.IsDir() {
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) == acct.UID {
			out = append(out, "XDG_RUNTIME_DIR="+rt)
		}
	}
	return out
}

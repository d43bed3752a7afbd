package edit

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/keepalive-ssh/keepalive/internal/atomicfile"
	"github.com/keepalive-ssh/keepalive/internal/openssh"
	"github.com/keepalive-ssh/keepalive/internal/placement"
	"github.com/keepalive-ssh/keepalive/internal/privilege"
	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// maxConfigSize is the largest file resolve reads (resolve.maxFileSize).
const maxConfigSize = 64 << 20

// requireConfigFile refuses a config that exists but is not a regular file
// (reading a FIFO would block for ever, and a directory or a device is
// nothing keepalive can edit) or is too large to be a config. A missing
// file is fine: it is created.
func requireConfigFile(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return nil // other errors are reported, with their cause, on reading
	}
	if fi.Mode().IsRegular() {
		if fi.Size() > maxConfigSize {
			return hintedf("check that --file names the right file",
				"%s is too large for a config (%d bytes; at most %d); nothing was written", path, fi.Size(), maxConfigSize)
		}
		return nil
	}
	what := "not a regular file"
	switch m := fi.Mode(); {
	case m.IsDir():
		what = "a directory"
	case m&os.ModeNamedPipe != 0:
		what = "a FIFO"
	case m&os.ModeSocket != 0:
		what = "a socket"
	case m&os.ModeDevice != 0:
		what = "a device"
	}
	return hintedf("name a regular file (or one that does not exist yet)",
		"%s is %s, not a config file; nothing was written", path, what)
}

// requireDir refuses a file whose directory does not exist, unless that
// directory is create (and its parent exists).
func requireDir(path, create string) error {
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
		return nil
	}
	if create != "" && filepath.Clean(dir) == filepath.Clean(create) {
		if fi, err := os.Stat(filepath.Dir(dir)); err == nil && fi.IsDir() {
			return nil
		}
	}
	return hintedf("check the path (--file, --root); keepalive creates no directories except ~/.ssh",
		"%s: directory %s does not exist; nothing was written", path, dir)
}

// requireWritable fails early, before any work, when the directory that
// will receive path cannot be written: the usual cause is a missing sudo.
func requireWritable(path string) error {
	shown := path
	if real, err := filepath.EvalSymlinks(path); err == nil && real != filepath.Clean(path) {
		path = real // a link's target is what gets replaced
		shown += " (symlink to " + real + ")"
	}
	dir := existingParent(path)
	if err := accessWrite(dir); err != nil {
		hint := "run with sudo"
		if os.Geteuid() == 0 {
			hint = "check that the file system is writable"
		}
		return hinted(fmt.Errorf("cannot write %s: %w", shown, err), hint)
	}
	return nil
}

// existingParent is the nearest directory above path that exists.
func existingParent(path string) string {
	dir := filepath.Dir(path)
	for {
		if _, err := os.Stat(dir); err == nil || filepath.Dir(dir) == dir {
			return dir
		}
		dir = filepath.Dir(dir)
	}
}

// requireOwner refuses, under sudo, to write for the invoking user
// (wo.SetOwner) a file that user could not write themselves. They own their
// home, so a symlink or an Include there could otherwise make root rewrite
// any file on the system. The check is on the snapshot Write will replace,
// and Write refuses if the path leads elsewhere by then.
//
// Root's runs for a user are handed to that user before they get here
// (cli's handoff), so this is the defense behind that; and root never
// writes, for itself, a file another account controls (an Include of a
// file in a user's directory, reached from a system config).
func requireOwner(snap *atomicfile.Snapshot, wo atomicfile.Options) error {
	if privilege.Root() && wo.Root == "" {
		o, err := privilege.Controller(snap.Path)
		if err != nil {
			return fmt.Errorf("%s: %w; nothing was written", snap.Path, err)
		}
		if o.UID != 0 && (!wo.SetOwner || o.UID != wo.UID) {
			return hintedf("edit that file as its owner, or remove the Include that leads there",
				"%s is controlled by uid %d (%s belongs to it): root does not edit another account's files; nothing was written",
				snap.Path, o.UID, o.Path)
		}
	}
	if !wo.SetOwner {
		return nil
	}
	what := snap.RealPath
	if !snap.Exists { // a new file: the directory it goes in
		what = existingParent(what)
	}
	uid, err := fileOwner(what)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if uid == wo.UID || uid == -1 {
		return nil
	}
	via := ""
	if what != snap.Path {
		via = " (where " + snap.Path + " leads)"
	}
	return hintedf("fix the symlink or Include that leads there, or edit that file as its owner",
		"%s%s belongs to uid %d, not to the sudo user (uid %d): keepalive writes only the user's own files for them; nothing was written",
		what, via, uid, wo.UID)
}

func regularFile(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// tree is the set of files a plan read, with the given contents, as the
// OpenSSH program would read them.
func tree(p *placement.Plan, sc placement.Scope, data map[string]*sshconf.File) openssh.Tree {
	main := sc.Main()
	t := openssh.Tree{Main: main, Root: sc.Opts.FS.Root, Files: map[string]*sshconf.File{}}
	if !sc.Opts.Dialect.Server {
		// ssh expands '~' from $HOME; a user config's relative Includes
		// start from ~/.ssh, a system config's from /etc/ssh.
		t.Home = sc.Opts.Home
		if len(sc.Opts.Files) > 0 && sc.Opts.Files[0].User && sc.Opts.Home != "" {
			t.Anchor = filepath.Join(sc.Opts.Home, ".ssh")
		}
	}
	for _, path := range p.Order {
		if d, ok := data[path]; ok {
			t.Files[path] = d
		}
	}
	if _, ok := t.Files[main]; !ok {
		t.Files[main] = nil
	}
	for path, d := range t.Files {
		// Files that do not exist yet stay out of the current set, and so
		// does anything that is not a file (an Include of a directory).
		if (d == nil || len(d.Lines) == 0) && path != main && !regularFile(path) {
			delete(t.Files, path)
		}
	}
	return t
}

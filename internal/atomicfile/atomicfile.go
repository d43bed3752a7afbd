// Package atomicfile is the one place keepalive writes files. A write is
// atomic (temp file in the same directory, fsync, rename), goes through
// symlinks to their target, keeps the mode and owner of the file it replaces,
// does nothing when the content is unchanged, and refuses to overwrite a file
// that changed since it was read.
//
// A read-modify-write cycle is:
//
//	unlock, err := atomicfile.Lock(path)
//	defer unlock()
//	snap, err := atomicfile.Read(path)
//	... compute new bytes from snap.Data ...
//	changed, err := snap.Write(newData, atomicfile.Options{})
//
// Errors name the file and keep the system error wrapped, so callers can
// test errors.Is(err, syscall.ENOSPC), syscall.EROFS, fs.ErrPermission,
// ErrChanged or ErrBusy to add a hint.
package atomicfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// BackupSuffix is appended to a file's real path to name its backup.
const BackupSuffix = ".keepalive.bak"

// ErrChanged is wrapped by Write when the file is no longer the one Read saw:
// someone else edited, replaced, created or removed it in between.
var ErrChanged = errors.New("the file changed since it was read; run keepalive again")

// MaxSize is the largest file Read reads: far more than any configuration
// (resolve reads at most as much).
const MaxSize = 64 << 20

// ErrTooLarge is wrapped by Read for a file over MaxSize.
var ErrTooLarge = errors.New("larger than 64 MiB, too large for a configuration")

// Options control how a file is written. The zero value is a sensible
// default: no backup, a new file 0600, new directories 0700, owned by the
// current user.
type Options struct {
	// Backup keeps the previous content as FILE.keepalive.bak next to the
	// real file, with the same mode and owner; when that name is taken, as
	// FILE.keepalive.bak.1, .2, ...: no earlier backup is overwritten.
	Backup bool
	// Note, when set, receives what the user should hear about a write
	// that succeeded: where the backup went, a read-only file replaced.
	Note func(string)
	// Perm is the mode of a file that did not exist (default 0600). An
	// existing file keeps its own mode.
	Perm fs.FileMode
	// DirPerm is the mode of parent directories created for a new file
	// (default 0700). Existing directories are never changed.
	DirPerm fs.FileMode
	// When SetOwner is true, UID and GID own a new file and the directories
	// created for it (root creating ~user/.ssh/config under sudo). Otherwise
	// they are ignored and new files belong to the current user. An existing
	// file always keeps its own owner. Ignored on Windows.
	SetOwner bool
	UID, GID int
	// Root is --root: a directory that stands for / (see ReadIn). Write
	// ignores it; it is here so a caller can pass one value to both.
	Root string
}

// Snapshot is a file as it was read: where it really lives, its bytes, and
// enough identity to notice if it is replaced before the write. Snapshots
// come from Read.
//
// The directory RealPath is in is opened once, by Read, and everything
// after that (the read, the temp file, the rename, the backup, the checks)
// goes through that handle: a directory on the path that is renamed or
// swapped for a symlink after Read cannot send the write elsewhere.
type Snapshot struct {
	Path     string // as given
	RealPath string // absolute, after following symlinks; what gets replaced
	Data     []byte // nil from ReadSame, and after WriteFrom
	Exists   bool
	info     fs.FileInfo // of the file read, nil when it did not exist
	root     string      // ReadIn's root; "" for /
	dir      *os.Root    // RealPath's directory; nil when it did not exist
	// text is the content instead of Data for a snapshot from ReadSame;
	// unknown says the content is neither (after WriteFrom), so that
	// nothing more is written through the snapshot.
	text    string
	unknown bool
}

// Read reads path (following symlinks). A missing file is not an error: the
// snapshot has Exists false and empty Data.
func Read(path string) (*Snapshot, error) {
	return ReadIn("", path)
}

// ReadIn is Read with root (keepalive's --root) standing for /: path must
// be inside root, and every symlink on the way resolves inside it, an
// absolute one from root, as in a chroot; nothing outside root is read or
// written through the snapshot. An empty root is /.
func ReadIn(root, path string) (*Snapshot, error) {
	return readIn(root, path, nil)
}

// ReadSame is ReadIn for a caller that knows what the file holds (or ""
// for a file that does not exist): it compares the file with want as it
// reads it, a piece at a time, rather than keep a copy, and fails with
// ErrChanged when they differ. The snapshot's Data is nil; Write compares
// with want, and a backup holds want.
func ReadSame(root, path, want string) (*Snapshot, error) {
	return readIn(root, path, &want)
}

// readIn reads path (ReadIn), or compares it with *want (ReadSame).
func readIn(root, path string, want *string) (*Snapshot, error) {
	real, err := realPathIn(root, path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, cause(err))
	}
	s := &Snapshot{Path: path, RealPath: real, root: root}
	// missing is the snapshot of a file that does not exist.
	missing := func() (*Snapshot, error) {
		if want != nil && *want != "" {
			return nil, s.closeWith(fmt.Errorf("read %s: %w", s.name(), ErrChanged))
		}
		return s, nil
	}
	s.dir, err = openDir(root, filepath.Dir(real))
	if errors.Is(err, fs.ErrNotExist) {
		return missing()
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", s.name(), cause(err))
	}
	// O_NONBLOCK: opening a FIFO swapped in for the config must not wait
	// for a writer; the regular-file check below then refuses it.
	f, err := s.dir.OpenFile(filepath.Base(real), os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return missing()
	}
	if err != nil {
		return nil, s.closeWith(fmt.Errorf("read %s: %w", s.name(), cause(err)))
	}
	defer f.Close()
	// Stat the open file before reading it: any later edit changes what
	// Write compares against, so an edit made during the read is noticed.
	info, err := f.Stat()
	if err != nil {
		return nil, s.closeWith(fmt.Errorf("read %s: %w", s.name(), cause(err)))
	}
	if !info.Mode().IsRegular() {
		return nil, s.closeWith(fmt.Errorf("read %s: not a regular file", s.name()))
	}
	// A size first, then a bounded read: a sparse file or one the kernel
	// makes up as it is read (/proc) cannot make keepalive allocate without
	// end.
	if info.Size() > MaxSize {
		return nil, s.closeWith(fmt.Errorf("read %s: %w (%d bytes)", s.name(), ErrTooLarge, info.Size()))
	}
	if want != nil {
		same, err := readsAs(f, *want)
		if err != nil {
			return nil, s.closeWith(fmt.Errorf("read %s: %w", s.name(), cause(err)))
		}
		if !same {
			return nil, s.closeWith(fmt.Errorf("read %s: %w", s.name(), ErrChanged))
		}
		s.text, s.Exists, s.info = *want, true, info
		return s, nil
	}
	buf := bytes.NewBuffer(make([]byte, 0, info.Size()+bytes.MinRead))
	if _, err := buf.ReadFrom(io.LimitReader(f, MaxSize+1)); err != nil {
		return nil, s.closeWith(fmt.Errorf("read %s: %w", s.name(), cause(err)))
	}
	if buf.Len() > MaxSize {
		return nil, s.closeWith(fmt.Errorf("read %s: %w", s.name(), ErrTooLarge))
	}
	s.Data, s.Exists, s.info = buf.Bytes(), true, info
	return s, nil
}

// readsAs reports whether r holds exactly want, reading at most a piece
// more than want.
func readsAs(r io.Reader, want string) (bool, error) {
	buf := make([]byte, min(len(want)+1, 64<<10))
	for {
		n, err := io.ReadFull(r, buf[:min(len(buf), len(want)+1)])
		if n > len(want) || string(buf[:n]) != want[:n] {
			return false, nil
		}
		want = want[n:]
		switch {
		case err == io.EOF || err == io.ErrUnexpectedEOF:
			return want == "", nil
		case err != nil:
			return false, err
		}
	}
}

// Write replaces the file with data unless data equals what was read, in
// which case it reports changed false and touches nothing. It fails with
// ErrChanged if the file is no longer the one read. On any error the file
// is left as it was and no temp file remains. After a successful write the
// snapshot holds data, so it can be written again.
func (s *Snapshot) Write(data []byte, opts Options) (changed bool, err error) {
	if s.Exists && !s.unknown && (s.Data != nil && bytes.Equal(data, s.Data) || s.Data == nil && string(data) == s.text) {
		if _, err := s.current(); err != nil {
			return false, s.writeError(err)
		}
		return false, nil
	}
	if err := s.write(bytes.NewReader(data), opts); err != nil {
		return false, err
	}
	// The snapshot now describes the new file, so a later Write through it
	// is checked against what this one wrote.
	s.Data, s.text, s.unknown = bytes.Clone(data), "", false
	return true, nil
}

// WriteFrom replaces the file with what src writes, streamed to the temp
// file rather than held whole: for a caller that knows the content
// differs from what was read (it is written even when it does not). It
// fails, and leaves the file as it was, as Write does. Afterwards the
// snapshot does not hold the content, and refuses any later write.
func (s *Snapshot) WriteFrom(src io.WriterTo, opts Options) error {
	if err := s.write(src, opts); err != nil {
		return err
	}
	s.Data, s.text, s.unknown = nil, "", true
	return nil
}

// errSpent is write's error for a snapshot WriteFrom wrote through.
var errSpent = errors.New("written through this snapshot already, with content it does not hold: read the file again")

// write replaces the file with what src writes (Write, WriteFrom).
func (s *Snapshot) write(src io.WriterTo, opts Options) error {
	if s.unknown {
		return s.writeError(errSpent)
	}
	cur, err := s.current()
	if err != nil {
		return s.writeError(err)
	}

	// Nothing keepalive creates is group- or world-writable, whatever the
	// caller or the umask say; an existing file keeps its mode exactly.
	mode := opts.Perm.Perm() &^ 0o022
	if opts.Perm == 0 {
		mode = 0o600
	}
	dirMode := opts.DirPerm.Perm() &^ 0o022
	if opts.DirPerm == 0 {
		dirMode = 0o700
	}
	var owner *fileOwner
	if opts.SetOwner {
		owner = &fileOwner{opts.UID, opts.GID}
	}
	if cur != nil {
		mode = cur.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
		owner = ownerOf(cur)
	}

	var created []createdDir
	if s.dir == nil {
		s.dir, created, err = mkdirs(s.root, filepath.Dir(s.RealPath), dirMode, owner)
		// After removeDirs, if it runs: it removes through these handles.
		defer closeParents(created)
		if err != nil {
			removeDirs(created)
			return s.writeError(err)
		}
	}
	base := filepath.Base(s.RealPath)
	backup := ""
	if opts.Backup && cur != nil {
		old := io.WriterTo(strings.NewReader(s.text))
		if s.Data != nil {
			old = bytes.NewReader(s.Data)
		}
		if backup, err = writeBackup(s.dir, base, old, mode, owner); err != nil {
			return s.writeError(fmt.Errorf("backup: %w", cause(err)))
		}
	}
	// Check again just before the rename: the window in which another
	// editor's change could be lost is then as small as it can be.
	recheck := func() error { _, err := s.current(); return err }
	if err := replace(s.dir, base, src, mode, owner, recheck); err != nil {
		removeDirs(created)
		if created != nil {
			s.dir.Close()
			s.dir = nil
		}
		return s.writeError(err)
	}
	s.Exists, s.info = true, nil
	if fi, err := s.dir.Lstat(base); err == nil {
		s.info = fi
	}
	if opts.Note != nil && backup != "" {
		opts.Note(fmt.Sprintf("kept the previous %s as %s", s.RealPath, filepath.Join(filepath.Dir(s.RealPath), backup)))
	}
	if opts.Note != nil && cur != nil && mode&0o200 == 0 {
		opts.Note(fmt.Sprintf("%s is read-only (mode %04o): it was replaced all the same and keeps that mode", s.RealPath, mode.Perm()))
	}
	return nil
}

// IsBackup reports whether name is that of a backup Write made.
func IsBackup(name string) bool {
	i := strings.LastIndex(name, BackupSuffix)
	if i < 0 {
		return false
	}
	n := name[i+len(BackupSuffix):]
	return n == "" || n[0] == '.' && strings.Trim(n[1:], "0123456789") == "" && len(n) > 1
}

// writeBackup keeps data as base.keepalive.bak in dir, or under the first
// free name base.keepalive.bak.N, and returns the name. The name is taken
// with O_EXCL, then the content replaces the empty file atomically.
func writeBackup(dir *os.Root, base string, data io.WriterTo, mode fs.FileMode, owner *fileOwner) (string, error) {
	for i := range 10000 {
		name := base + BackupSuffix
		if i > 0 {
			name += "." + strconv.Itoa(i)
		}
		f, err := dir.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		f.Close()
		if err := replace(dir, name, data, mode, owner, nil); err != nil {
			dir.Remove(name)
			return "", err
		}
		return name, nil
	}
	return "", fmt.Errorf("%s%s: 10000 backups already: remove some", base, BackupSuffix)
}

// closeWith closes a snapshot that Read does not return, and returns err:
// it must not keep the directory open (on Windows that blocks removing or
// renaming it).
func (s *Snapshot) closeWith(err error) error {
	s.Close()
	return err
}

// Close releases the directory handle. A snapshot that is not closed
// keeps it until it is garbage collected.
func (s *Snapshot) Close() error {
	if s.dir == nil {
		return nil
	}
	err := s.dir.Close()
	s.dir = nil
	return err
}

// current returns the file's present info (nil if it does not exist) or
// ErrChanged if it is not the file that was read.
func (s *Snapshot) current() (fs.FileInfo, error) {
	real, err := realPathIn(s.root, s.Path)
	if err != nil {
		return nil, err
	}
	if real != s.RealPath {
		return nil, ErrChanged // a symlink on the way now points elsewhere
	}
	var fi fs.FileInfo
	if s.dir != nil {
		fi, err = s.dir.Lstat(filepath.Base(real))
	} else {
		// The directory did not exist; if it does now, the file must not.
		var d *os.Root
		if d, err = openDir(s.root, filepath.Dir(real)); err == nil {
			fi, err = d.Lstat(filepath.Base(real))
			d.Close()
		}
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if s.Exists {
			return nil, ErrChanged
		}
		return nil, nil
	case err != nil:
		return nil, err
	case !s.Exists || s.info == nil || !os.SameFile(fi, s.info) ||
		fi.Size() != s.info.Size() || !fi.ModTime().Equal(s.info.ModTime()):
		return nil, ErrChanged
	}
	return fi, nil
}

// writeError is the one-line error Write returns.
func (s *Snapshot) writeError(err error) error {
	if errors.Is(err, ErrChanged) {
		return fmt.Errorf("write %s: %w", s.name(), err)
	}
	return fmt.Errorf("write %s: %w; the file was not changed", s.name(), cause(err))
}

// name is the path as given, plus where it leads when that is elsewhere.
func (s *Snapshot) name() string {
	if abs, err := filepath.Abs(s.Path); err == nil && abs == s.RealPath {
		return s.Path
	}
	return s.Path + " (symlink to " + s.RealPath + ")"
}

// replace atomically puts what data writes at name in dir with the given
// mode and owner: a temp file created in dir (O_EXCL, never through a
// symlink), written, fsynced and renamed over name through the same
// handle. check, if not nil, runs just before the rename and can veto it.
// On failure the temp file is removed.
func replace(dir *os.Root, name string, data io.WriterTo, mode fs.FileMode, owner *fileOwner, check func() error) (err error) {
	f, tmp, err := createTemp(dir, name)
	if err != nil {
		return err
	}
	renamed := false
	defer func() {
		if !renamed {
			f.Close() // may be closed already
			dir.Remove(tmp)
		}
	}()
	if _, err := data.WriteTo(f); err != nil {
		return err
	}
	if owner != nil {
		if err := f.Chown(owner.uid, owner.gid); err != nil {
			return fmt.Errorf("keep owner %d:%d: %w", owner.uid, owner.gid, cause(err))
		}
	}
	// Chmod after Chown: chown clears the setuid and setgid bits.
	if err := f.Chmod(mode); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if check != nil {
		if err := check(); err != nil {
			return err
		}
	}
	if err := dir.Rename(tmp, name); err != nil {
		return err
	}
	renamed = true
	syncDir(dir)
	return nil
}

// createTemp creates a new file for name in dir, 0600 whatever the umask
// so the content stays private until the final mode is set, and returns
// it with its name.
//
// The name's random part only has to differ from names already there:
// O_EXCL refuses any existing one, a link included, and another name is
// tried, so guessing it gains nothing (os.CreateTemp works the same way).
// math/rand/v2 is seeded by the runtime from the system's randomness;
// crypto/rand would link Go's cryptographic random generator (and
// math/big) into every run for nothing.
func createTemp(dir *os.Root, name string) (*os.File, string, error) {
	for range 100 {
		tmp := fmt.Sprintf(".%s.%012x.tmp", name, rand.Uint64()&(1<<48-1))
		f, err := dir.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, "", err
		}
		if err := f.Chmod(0o600); err != nil {
			f.Close()
			dir.Remove(tmp)
			return nil, "", err
		}
		return f, tmp, nil
	}
	return nil, "", errors.New("no free name for a temp file")
}

// syncDir makes a rename in dir durable. Errors are ignored: the new file
// is already in place, and some file systems (and Windows) cannot fsync a
// directory.
func syncDir(dir *os.Root) {
	d, err := dir.Open(".")
	if err != nil {
		return
	}
	d.Sync()
	d.Close()
}

// openDir opens dir, which is inside root unless root is empty.
func openDir(root, dir string) (*os.Root, error) {
	if root == "" {
		return os.OpenRoot(dir)
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, err
	}
	rel, err := filepath.Rel(root, dir)
	if err != nil {
		r.Close()
		return nil, err
	}
	if rel == "." {
		return r, nil
	}
	defer r.Close()
	return r.OpenRoot(rel)
}

// createdDir is a directory mkdirs created: its name in parent.
type createdDir struct {
	parent *os.Root
	name   string
}

// mkdirs creates dir and its missing parents with mode and owner, each
// through a handle on its parent, and returns dir's handle and the
// directories it created, outermost first.
func mkdirs(root, dir string, mode fs.FileMode, owner *fileOwner) (*os.Root, []createdDir, error) {
	var missing []string
	base := dir
	var top *os.Root
	for {
		r, err := openDir(root, base)
		if err == nil {
			top = r
			break
		}
		if !errors.Is(err, fs.ErrNotExist) || filepath.Dir(base) == base || base == filepath.Clean(root) {
			return nil, nil, err
		}
		missing = append(missing, filepath.Base(base))
		base = filepath.Dir(base)
	}
	var created []createdDir
	cur := top
	for i := len(missing) - 1; i >= 0; i-- {
		name := missing[i]
		err := cur.Mkdir(name, mode)
		made := err == nil
		if err != nil && !errors.Is(err, fs.ErrExist) { // created meanwhile by someone else: not ours to change
			return nil, created, err
		}
		if made {
			created = append(created, createdDir{cur, name})
			// Through the open directory: chmod because the umask may
			// have removed bits the caller asked for.
			d, err := cur.Open(name)
			if err != nil {
				return nil, created, err
			}
			err = d.Chmod(mode)
			if err == nil && owner != nil {
				if err = d.Chown(owner.uid, owner.gid); err != nil {
					err = fmt.Errorf("set owner %d:%d: %w", owner.uid, owner.gid, cause(err))
				}
			}
			d.Close()
			if err != nil {
				return nil, created, err
			}
		}
		next, err := cur.OpenRoot(name)
		if err != nil {
			return nil, created, err
		}
		cur = next
	}
	return cur, created, nil
}

// closeParents closes the handles mkdirs kept on the parents of the
// directories it created. Windows refuses to remove or rename a directory
// while a handle on it is open.
func closeParents(created []createdDir) {
	for _, c := range created {
		c.parent.Close()
	}
}

// removeDirs undoes mkdirs after a failed write. Remove only deletes empty
// directories, so nothing anyone else put there is lost.
func removeDirs(created []createdDir) {
	for i := len(created) - 1; i >= 0; i-- {
		created[i].parent.Remove(created[i].name)
	}
}

// fileOwner is a numeric user and group.
type fileOwner struct{ uid, gid int }

// cause strips the operation and path from a *fs.PathError, *os.LinkError or
// *os.SyscallError, so that messages name the user's file, not a temp file,
// while errors.Is still sees the system error.
func cause(err error) error {
	for {
		switch e := err.(type) {
		case *fs.PathError:
			err = e.Err
		case *os.LinkError:
			err = e.Err
		case *os.SyscallError:
			err = e.Err
		default:
			return err
		}
	}
}

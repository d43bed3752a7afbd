package putty

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/keepalive-ssh/keepalive/internal/atomicfile"
)

// FileStore keeps sessions as files in a directory, as PuTTY does on Unix.
type FileStore struct {
	// Dir holds one file per session, named by EscapeFileName.
	Dir string
	// Base is PuTTY's configuration directory (Dir's parent, unless
	// PUTTYSESSIONS moved Dir elsewhere). Its existence says PuTTY has been
	// used here; empty means only Dir counts.
	Base string
}

// Env is what FindFileStore looks at, so tests need not touch the process.
type Env struct {
	Getenv func(string) string
	// Home is the user's home from the password database, which PuTTY
	// falls back to when $HOME does not lead anywhere.
	PasswdHome string
}

// FindFileStore locates the sessions directory exactly as PuTTY on Unix
// does (unix/storage.c, make_filename):
//
//  1. $PUTTYSESSIONS, if set, is the sessions directory itself;
//  2. else the configuration directory is $PUTTYDIR, if set;
//  3. else $XDG_CONFIG_HOME/putty (when XDG_CONFIG_HOME is set and not
//     empty) or else $HOME/.config/putty, if that exists;
//  4. else the first of $HOME/.putty, PASSWD_HOME/.putty and /.putty that
//     exists, and if none does, the first of them that can be named;
//
// and sessions are in its "sessions" subdirectory.
func FindFileStore(env Env) *FileStore {
	if d := env.Getenv("PUTTYSESSIONS"); d != "" {
		return &FileStore{Dir: d}
	}
	base := puttyDir(env)
	return &FileStore{Dir: filepath.Join(base, "sessions"), Base: base}
}

func puttyDir(env Env) string {
	if d := env.Getenv("PUTTYDIR"); d != "" {
		return d
	}
	home := env.Getenv("HOME")
	var xdg string
	if x := env.Getenv("XDG_CONFIG_HOME"); x != "" {
		xdg = filepath.Join(x, "putty")
	} else {
		h := home
		if h == "" {
			h = env.PasswdHome
		}
		xdg = filepath.Join(h, ".config", "putty")
	}
	if exists(xdg) {
		return xdg
	}
	var candidates []string
	if home != "" {
		candidates = append(candidates, filepath.Join(home, ".putty"))
	}
	if env.PasswdHome != "" {
		candidates = append(candidates, filepath.Join(env.PasswdHome, ".putty"))
	}
	candidates = append(candidates, "/.putty")
	for _, c := range candidates {
		if exists(c) {
			return c
		}
	}
	return candidates[0]
}

// exists is PuTTY's access(path, F_OK).
func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// Where is the sessions directory.
func (s *FileStore) Where() string { return s.Dir }

// Exists reports whether the sessions directory, or PuTTY's configuration
// directory that would hold it, exists.
func (s *FileStore) Exists() (bool, error) {
	for _, d := range []string{s.Dir, s.Base} {
		if d == "" {
			continue
		}
		_, err := os.Stat(d)
		if err == nil {
			return true, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return false, err
		}
	}
	return false, nil
}

// path is the file of a session.
func (s *FileStore) path(name string) string {
	return filepath.Join(s.Dir, EscapeFileName(name))
}

// Sessions lists the regular files (or links to them) in the sessions
// directory, as PuTTY's session list does, except keepalive's backups. A
// file whose name is not one
// PuTTY would give a session (such as "a%2fb", with lower-case hex) is
// skipped: PuTTY lists it but loads the session from another file.
func (s *FileStore) Sessions() ([]Session, error) {
	entries, err := os.ReadDir(s.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Session
	for _, e := range entries {
		if atomicfile.IsBackup(e.Name()) {
			// keepalive's own --backup copies: PuTTY lists them too, but
			// they are not sessions anyone saved, and editing them would
			// only make backups of backups.
			continue
		}
		name := UnescapeFileName(e.Name())
		if EscapeFileName(name) != e.Name() {
			continue
		}
		p := filepath.Join(s.Dir, e.Name())
		if info, err := os.Stat(p); err != nil || !info.Mode().IsRegular() {
			continue
		}
		sess, err := s.read(name)
		if err != nil {
			return nil, err
		}
		out = append(out, sess)
	}
	sortSessions(out)
	return out, nil
}

// Session reads one session.
func (s *FileStore) Session(name string) (Session, error) {
	return s.read(name)
}

func (s *FileStore) read(name string) (Session, error) {
	p := s.path(name)
	sess := Session{Name: name, Location: p}
	data, err := readFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		if name == DefaultSettings {
			return sess, nil
		}
		return sess, fmt.Errorf("%q: %w", name, ErrNoSession)
	}
	if err != nil {
		return sess, err
	}
	sess.Saved = true
	readKeepAlive(data, &sess)
	return sess, nil
}

// SetKeepAlive rewrites the session's file through atomicfile under its
// lock, changing only the PingInterval and PingIntervalSecs lines.
func (s *FileStore) SetKeepAlive(name string, seconds int, opts SetOptions) (Change, error) {
	p := s.path(name)
	ch := Change{Session: name, Location: p, App: PuTTY.Name}
	unlock, err := atomicfile.Lock(p)
	if err != nil {
		return ch, err
	}
	defer unlock()
	snap, err := atomicfile.Read(p)
	if err != nil {
		return ch, err
	}
	// The snapshot holds the sessions directory open; on Windows an open
	// directory cannot be removed or renamed.
	defer snap.Close()
	base := snap.Data
	if !snap.Exists {
		if name != DefaultSettings && !opts.Create {
			return ch, fmt.Errorf("%q: %w", name, ErrNoSession)
		}
		ch.Created = true
		if name != DefaultSettings {
			// Seed from Default Settings, as PuTTY's dialog does when a
			// new session is saved.
			seed, err := readFile(s.path(DefaultSettings))
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return ch, err
			}
			base = seed
		}
	}
	var cur Session
	readKeepAlive(base, &cur)
	var data []byte
	switch {
	case opts.Undo:
		var st int
		data, st = undoKeepAlive(base)
		ch.Restored = st == undoRestored
		if st != undoRestored && cur.KeepAlive.Interval() != 0 {
			ch.Kept, ch.Why = true, "not set by keepalive"
			if st == undoEdited {
				ch.Why = "changed since keepalive set it"
			}
		}
	case opts.Keep && cur.KeepAlive.Interval() != 0:
		data, ch.Kept, ch.Why = base, true, "in effect"
	case seconds == 0: // off, whoever set it (disable --all): no record to keep
		data = removeKey(setKeepAlive(base, 0), keyRecord)
	default:
		data = setKeepAliveRecorded(base, seconds)
	}
	var after Session
	readKeepAlive(data, &after)
	ch.After = after.KeepAlive
	ch.NewText = data
	switch {
	case snap.Exists:
		var before Session
		readKeepAlive(snap.Data, &before)
		ch.Before = before.KeepAlive
		ch.OldText = snap.Data
		ch.Changed = !bytes.Equal(data, snap.Data)
	case name == DefaultSettings:
		// Absent, it already means PuTTY's built-in keep-alive (off): only
		// write it to change that, even with Create.
		ch.Changed = !bytes.Equal(data, base)
	default:
		ch.Changed = true
	}
	// Root editing a user's sessions (sudo -E keeps their $HOME) must not
	// follow a symlink the user planted to a file they could not write.
	if dirUID, _ := ownerOf(s.Dir); snap.Exists && dirUID > 0 && uidOf(snap.RealPath) != dirUID {
		return ch, fmt.Errorf("%s leads to %s, which does not belong to the owner of %s (uid %d); nothing was written",
			snap.Path, snap.RealPath, s.Dir, dirUID)
	}
	ch.Created = ch.Created && ch.Changed
	if !ch.Changed || opts.DryRun {
		return ch, nil
	}
	if opts.Undo && ch.Restored && name == DefaultSettings && len(data) == 0 && !opts.Backup {
		// A Default Settings that held only what keepalive wrote was
		// created by keepalive: gone again, as before (PuTTY reads a
		// missing one as its built-in defaults).
		if err := snap.Remove(); !errors.Is(err, atomicfile.ErrLink) {
			return ch, err
		} // a link: written empty below
	}
	wo := atomicfile.Options{Backup: opts.Backup, Note: opts.Note}
	if !snap.Exists {
		// Root creating a session in a user's PuTTY directory: the new file
		// (and sessions directory) belong to that user, or PuTTY could no
		// longer save the session.
		if uid, gid := ownerOf(s.Dir, s.Base); uid >= 0 {
			wo.SetOwner, wo.UID, wo.GID = true, uid, gid
		}
	}
	if _, err := snap.Write(data, wo); err != nil {
		return ch, err
	}
	return ch, nil
}

// readFile reads a session file as atomicfile reads a config: a FIFO put in
// its place cannot block the read, only a regular file is read, and at
// most atomicfile.MaxSize of it.
func readFile(path string) ([]byte, error) {
	snap, err := atomicfile.Read(path)
	if err != nil {
		return nil, err
	}
	defer snap.Close()
	if !snap.Exists {
		return nil, fmt.Errorf("read %s: %w", path, fs.ErrNotExist)
	}
	return snap.Data, nil
}

package putty

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// sessionFile is a session as PuTTY 0.78 saves it, trimmed, plus what users
// add by hand: settings of every kind (empty values, '=' and '%' in values,
// paths, lists, non-ASCII), a legacy PingInterval in minutes, an unknown
// key and a line that is not a setting.
const sessionFile = `Present=1
HostName=example.com
LogFileName=/home/u/putty &H.log
LogType=0
Protocol=ssh
PortNumber=22
CloseOnExit=1
WarnOnClose=1
PingInterval=1
PingIntervalSecs=0
TCPNoDelay=1
TCPKeepalives=0
TerminalType=xterm-256color
TerminalSpeed=38400,38400
TerminalModes=CS7=A,CS8=A,DISCARD=A,DSUSP=A,ECHO=A,IUTF8=A,
ProxyExcludeList=
ProxyMethod=0
ProxyTelnetCommand=connect %host %port\n
Environment=LANG=en_US.UTF-8
UserName=root
Cipher=aes,chacha20,aesgcm,3des,WARN,des,blowfish,arcfour
KEX=ecdh,dh-gex-sha1,dh-group14-sha1,rsa,WARN,dh-group1-sha1
PublicKeyFile=/home/u/.ssh/my key.ppk
RemoteCommand=
FontName=client:Monospace 12
Colour0=187,187,187
WinTitle=Müller's box ☃
Wordness0=0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0
X-Handwritten=kept as is
this line has no equals sign
LineCodePage=UTF-8
`

func writeSession(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, EscapeFileName(name))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// unixOnly skips a test of Unix file semantics in the Windows lane. FileStore
// is PuTTY's Unix store (Windows PuTTY uses the registry), and these tests
// rely on what Windows lacks: '/' paths, Unix modes, symlinks (Wine's
// os.Symlink creates nothing) and case-sensitive file names.
func unixOnly(t *testing.T) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("Unix file semantics (paths, modes, symlinks, case); FileStore is used only off Windows")
	}
}

func TestFindFileStore(t *testing.T) {
	unixOnly(t)
	root := t.TempDir()
	home := filepath.Join(root, "home")
	xdg := filepath.Join(root, "xdg")
	pw := filepath.Join(root, "pw")
	mk := func(p string) {
		if err := os.MkdirAll(p, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	mk(home)
	env := func(kv ...string) Env {
		m := map[string]string{"HOME": home}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return Env{Getenv: func(k string) string { return m[k] }, PasswdHome: pw}
	}
	check := func(what string, e Env, wantDir, wantBase string) {
		t.Helper()
		s := FindFileStore(e)
		if s.Dir != wantDir || s.Base != wantBase {
			t.Errorf("%s: Dir %q Base %q, want %q %q", what, s.Dir, s.Base, wantDir, wantBase)
		}
	}
	// Nothing exists: PuTTY would create ~/.putty.
	check("fresh", env(), filepath.Join(home, ".putty/sessions"), filepath.Join(home, ".putty"))
	check("HOME unset", env("HOME", ""), filepath.Join(pw, ".putty/sessions"), filepath.Join(pw, ".putty"))
	mk(filepath.Join(pw, ".putty"))
	check("only the passwd home has .putty", env(), filepath.Join(pw, ".putty/sessions"), filepath.Join(pw, ".putty"))
	mk(filepath.Join(home, ".putty"))
	check("~/.putty", env(), filepath.Join(home, ".putty/sessions"), filepath.Join(home, ".putty"))
	mk(filepath.Join(home, ".config/putty"))
	check("~/.config/putty wins", env(), filepath.Join(home, ".config/putty/sessions"), filepath.Join(home, ".config/putty"))
	check("XDG_CONFIG_HOME set but without putty: ~/.config is not looked at", env("XDG_CONFIG_HOME", xdg), filepath.Join(home, ".putty/sessions"), filepath.Join(home, ".putty"))
	mk(filepath.Join(xdg, "putty"))
	check("XDG_CONFIG_HOME", env("XDG_CONFIG_HOME", xdg), filepath.Join(xdg, "putty/sessions"), filepath.Join(xdg, "putty"))
	check("PUTTYDIR", env("XDG_CONFIG_HOME", xdg, "PUTTYDIR", "/p"), "/p/sessions", "/p")
	check("PUTTYSESSIONS", env("PUTTYDIR", "/p", "PUTTYSESSIONS", "/s"), "/s", "")
}

func TestFileStoreSessions(t *testing.T) {
	unixOnly(t)
	dir := filepath.Join(t.TempDir(), "sessions")
	writeSession(t, dir, "my server", "PingInterval=1\n")
	writeSession(t, dir, "Default Settings", "PingIntervalSecs=30\n")
	writeSession(t, dir, ".dotted", "")
	writeSession(t, dir, "zz/top", "PingIntervalSecs=5\n")
	// Not sessions PuTTY loads from these files.
	for _, f := range []string{"lower%2fhex", "short%2", "space here", "my%20server.keepalive.bak", "my%20server.keepalive.bak.1"} {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "subdir"), 0o700); err != nil {
		t.Fatal(err)
	}
	target := writeSession(t, t.TempDir(), "elsewhere", "PingIntervalSecs=7\n")
	if err := os.Symlink(target, filepath.Join(dir, "linked")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/nonexistent", filepath.Join(dir, "dangling")); err != nil {
		t.Fatal(err)
	}

	s := &FileStore{Dir: dir}
	got, err := s.Sessions()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, ss := range got {
		names = append(names, ss.Name)
	}
	want := []string{"Default Settings", ".dotted", "linked", "my server", "zz/top"}
	if strings.Join(names, "|") != strings.Join(want, "|") {
		t.Errorf("sessions %q, want %q", names, want)
	}
	if got[0].KeepAlive.Interval() != 30 || got[3].KeepAlive.Interval() != 60 || got[2].KeepAlive.Interval() != 7 {
		t.Errorf("keep-alives: %+v", got)
	}
	if got[3].Location != filepath.Join(dir, "my%20server") || got[3].MinutesLine != 1 {
		t.Errorf("my server: %+v", got[3])
	}

	if _, err := s.Session("nope"); !errors.Is(err, ErrNoSession) {
		t.Errorf("Session(nope) = %v, want ErrNoSession", err)
	}
	empty := &FileStore{Dir: filepath.Join(t.TempDir(), "none")}
	if ss, err := empty.Sessions(); err != nil || len(ss) != 0 {
		t.Errorf("missing dir: %v, %v", ss, err)
	}
	ds, err := empty.Session(DefaultSettings)
	if err != nil || ds.Saved || ds.KeepAlive.Interval() != 0 {
		t.Errorf("unsaved Default Settings: %+v, %v", ds, err)
	}
}

func TestFileStoreExists(t *testing.T) {
	root := t.TempDir()
	s := &FileStore{Dir: filepath.Join(root, ".putty/sessions"), Base: filepath.Join(root, ".putty")}
	if ok, err := s.Exists(); ok || err != nil {
		t.Errorf("nothing there: %v, %v", ok, err)
	}
	os.Mkdir(s.Base, 0o700)
	if ok, err := s.Exists(); !ok || err != nil {
		t.Errorf("PuTTY dir without sessions: %v, %v", ok, err)
	}
}

// TestFileStoreSetKeepAlive: only the two lines change, every other byte
// stays, and a second run writes nothing.
func TestFileStoreSetKeepAlive(t *testing.T) {
	unixOnly(t)
	dir := t.TempDir()
	s := &FileStore{Dir: dir}
	for _, eol := range []string{"\n", "\r\n"} {
		in := strings.ReplaceAll(sessionFile, "\n", eol)
		p := writeSession(t, dir, "my server", in)
		old := time.Now().Add(-time.Hour)
		os.Chtimes(p, old, old)

		ch, err := s.SetKeepAlive("my server", 1, SetOptions{DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		if !ch.Changed || ch.Before.Interval() != 60 || ch.After.Interval() != 1 || string(ch.OldText) != in {
			t.Errorf("dry run: %+v", ch)
		}
		assertFile(t, p, in, old)

		ch, err = s.SetKeepAlive("my server", 1, SetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want := strings.Replace(strings.Replace(in, "PingInterval=1"+eol, "PingInterval=0"+eol, 1), "PingIntervalSecs=0"+eol, "PingIntervalSecs=1"+eol, 1) +
			`KeepaliveWas="1","0",1` + eol // what it was, for disable
		if !ch.Changed || ch.Created || string(ch.NewText) != want {
			t.Errorf("set: %+v", ch)
		}
		assertFile(t, p, want, time.Time{})
		info, _ := os.Stat(p)
		if info.Mode().Perm() != 0o644 {
			t.Errorf("mode %v, want the file's 0644 kept", info.Mode().Perm())
		}

		os.Chtimes(p, old, old)
		ch, err = s.SetKeepAlive("my server", 1, SetOptions{})
		if err != nil || ch.Changed {
			t.Errorf("second run: %+v, %v; want no change", ch, err)
		}
		assertFile(t, p, want, old)

		// Undo gives the session back byte for byte.
		ch, err = s.SetKeepAlive("my server", 0, SetOptions{Undo: true})
		if err != nil || !ch.Changed || !ch.Restored || ch.After.Interval() != 60 {
			t.Errorf("undo: %+v, %v", ch, err)
		}
		assertFile(t, p, in, time.Time{})
	}
}

func TestFileStoreCreate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sessions")
	s := &FileStore{Dir: dir}

	// Default Settings: absent means off, so turning it off writes nothing
	// and turning it on creates it.
	if ch, err := s.SetKeepAlive(DefaultSettings, 0, SetOptions{Create: true}); err != nil || ch.Changed {
		t.Errorf("off in an unsaved Default Settings: %+v, %v", ch, err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the directory was created: %v", err)
	}
	ch, err := s.SetKeepAlive(DefaultSettings, 300, SetOptions{})
	if err != nil || !ch.Changed || !ch.Created {
		t.Fatalf("Default Settings: %+v, %v", ch, err)
	}
	assertFile(t, filepath.Join(dir, "Default%20Settings"), "PingInterval=0\nPingIntervalSecs=300\nKeepaliveWas=-,-,300\n", time.Time{})

	// A session that is not saved is an error, and nothing is written.
	if _, err := s.SetKeepAlive("new one", 300, SetOptions{}); !errors.Is(err, ErrNoSession) {
		t.Errorf("unknown session: %v, want ErrNoSession", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "new%20one")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("unknown session was created: %v", err)
	}

	// With Create, it starts as a copy of Default Settings.
	writeSession(t, dir, DefaultSettings, "HostName=seed\nPingIntervalSecs=300\nTCPKeepalives=1\n")
	ch, err = s.SetKeepAlive("new one", 300, SetOptions{Create: true, DryRun: true})
	if err != nil || !ch.Changed || !ch.Created || ch.OldText != nil {
		t.Errorf("create, dry run: %+v, %v", ch, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "new%20one")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("dry run created the session: %v", err)
	}
	ch, err = s.SetKeepAlive("new one", 300, SetOptions{Create: true})
	if err != nil || !ch.Changed || !ch.Created {
		t.Errorf("create: %+v, %v", ch, err)
	}
	assertFile(t, filepath.Join(dir, "new%20one"), "HostName=seed\nPingIntervalSecs=300\nTCPKeepalives=1\n", time.Time{})
}

// A session file that is a link (dotfile managers) stays a link.
func TestFileStoreSymlink(t *testing.T) {
	unixOnly(t)
	dir := t.TempDir()
	target := writeSession(t, t.TempDir(), "real", "HostName=h\nPingIntervalSecs=5\n")
	link := filepath.Join(dir, "linked")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	s := &FileStore{Dir: dir}
	if _, err := s.SetKeepAlive("linked", 300, SetOptions{}); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("link replaced: %v %v", fi.Mode(), err)
	}
	assertFile(t, target, "HostName=h\nPingIntervalSecs=300\nPingInterval=0\nKeepaliveWas=-,\"5\",300\n", time.Time{})
}

// assertFile checks a file's content and, unless mtime is zero, that it
// was not touched.
func assertFile(t *testing.T, path, want string, mtime time.Time) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, []byte(want)) {
		t.Errorf("%s:\n got %q\nwant %q", path, got, want)
	}
	if !mtime.IsZero() {
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if !info.ModTime().Equal(mtime) {
			t.Errorf("%s was written (mtime %v, want %v)", path, info.ModTime(), mtime)
		}
	}
}

func TestSessionSource(t *testing.T) {
	dir := t.TempDir()
	writeSession(t, dir, "both", "HostName=h\nPingIntervalSecs=5\nX=1\nPingInterval=1\n")
	writeSession(t, dir, "secs", "PingIntervalSecs=5\n")
	writeSession(t, dir, "none", "HostName=h\n")
	s := &FileStore{Dir: dir}
	for name, want := range map[string]string{
		"both":          filepath.Join(dir, "both") + ":2,4",
		"secs":          filepath.Join(dir, "secs") + ":1",
		"none":          "default",
		DefaultSettings: "default",
	} {
		ss, err := s.Session(name)
		if err != nil {
			t.Fatal(err)
		}
		if got := ss.Source(); got != want {
			t.Errorf("%s: Source() = %q, want %q", name, got, want)
		}
	}
	reg := Session{Saved: true, Location: `HKCU\Software\SimonTatham\PuTTY\Sessions\x`}
	if got := reg.Source(); got != reg.Location {
		t.Errorf("registry Source() = %q", got)
	}
}

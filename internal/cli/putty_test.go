package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/keepalive-ssh/keepalive/internal/putty"
)

// puttyHome makes a scratch home whose PuTTY sessions the command edits.
// The store is pinned to it: PuTTY falls back to the password database's
// home, which must never be the tester's real one.
func puttyHome(t *testing.T, withDir bool) (home, dir string) {
	t.Helper()
	home = t.TempDir()
	dir = filepath.Join(home, ".putty", "sessions")
	if withDir {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range []string{"PUTTYDIR", "PUTTYSESSIONS", "XDG_CONFIG_HOME", "SUDO_USER"} {
		t.Setenv(k, "")
	}
	t.Setenv("HOME", home)
	return home, dir
}

// puttyRunCLI runs keepalive with the PuTTY sessions of $HOME (which
// puttyHome set).
func puttyRunCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return puttyRunOn(*puttyMachine(), args...)
}

// puttyMachine is the real machine with the PuTTY sessions of $HOME.
func puttyMachine() *Machine {
	m := SystemMachine()
	m.PuttyStore = func() (putty.Store, error) {
		return putty.FindFileStore(putty.Env{Getenv: os.Getenv, PasswdHome: os.Getenv("HOME")}), nil
	}
	return &m
}

// puttyRunOn runs keepalive on the machine m.
func puttyRunOn(m Machine, args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = Run(args, Streams{In: strings.NewReader(""), Out: &out, Err: &errb}, m)
	return code, out.String(), errb.String()
}

// puttyPut writes a session file with an old mtime, so a later write shows.
func puttyPut(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, putty.EscapeFileName(name))
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
	return p
}

type puttyFileState struct {
	data  string
	mtime time.Time
}

func puttyState(t *testing.T, p string) puttyFileState {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return puttyFileState{string(data), info.ModTime()}
}

// puttySnapshot is every file under dir, to show a command changed nothing.
func puttySnapshot(t *testing.T, dir string) map[string]puttyFileState {
	t.Helper()
	m := map[string]puttyFileState{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			m[p] = puttyState(t, p)
		}
		return nil
	})
	return m
}

func puttySameSnapshot(t *testing.T, what string, a, b map[string]puttyFileState) {
	t.Helper()
	if len(a) != len(b) {
		t.Errorf("%s: files %d -> %d", what, len(a), len(b))
	}
	for p, s := range a {
		if b[p] != s {
			t.Errorf("%s: %s changed", what, p)
		}
	}
}

const puttyLegacySession = "HostName=example.com\nPortNumber=22\nPingInterval=1\nPingIntervalSecs=0\nTCPNoDelay=1\n"
const puttyCRLFSession = "HostName=win.example.com\r\nProtocol=ssh\r\n"

func TestPuttySetsEverySession(t *testing.T) {
	_, dir := puttyHome(t, true)
	my := puttyPut(t, dir, "my server", puttyLegacySession)
	win := puttyPut(t, dir, "win", puttyCRLFSession)

	code, out, errs := puttyRunCLI(t, "putty", "--interval", "1")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	ds := filepath.Join(dir, "Default%20Settings")
	want := "created " + ds + ": PuTTY session \"Default Settings\" with keep-alive 1s\n" +
		"changed " + my + ": PuTTY session \"my server\" keep-alive 1s (was 60s)\n" +
		"changed " + win + ": PuTTY session \"win\" keep-alive 1s (was off)\n"
	if out != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", out, want)
	}
	for p, content := range map[string]string{
		my:  "HostName=example.com\nPortNumber=22\nPingInterval=0\nPingIntervalSecs=1\nTCPNoDelay=1\nKeepaliveWas=\"1\",\"0\",1\n",
		win: puttyCRLFSession + "PingInterval=0\r\nPingIntervalSecs=1\r\nKeepaliveWas=-,-,1\r\n",
		ds:  "PingInterval=0\nPingIntervalSecs=1\nKeepaliveWas=-,-,1\n",
	} {
		if got := puttyState(t, p).data; got != content {
			t.Errorf("%s:\n got %q\nwant %q", p, got, content)
		}
	}

	// Running again changes nothing, not even an mtime.
	before := puttySnapshot(t, dir)
	for p := range before {
		old := time.Now().Add(-time.Hour).Truncate(time.Second)
		os.Chtimes(p, old, old)
	}
	before = puttySnapshot(t, dir)
	code, out, errs = puttyRunCLI(t, "putty", "--interval", "1s")
	if code != 0 || errs != "" || out != "already set: PuTTY keep-alive 1s in 3 sessions in "+dir+"\n" {
		t.Errorf("second run: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	puttySameSnapshot(t, "second run", before, puttySnapshot(t, dir))
}

func TestPuttyDryRunWritesNothing(t *testing.T) {
	_, dir := puttyHome(t, true)
	my := puttyPut(t, dir, "my server", puttyLegacySession)
	before := puttySnapshot(t, dir)
	code, out, errs := puttyRunCLI(t, "putty", "--dry-run", "--interval", "300")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	puttySameSnapshot(t, "dry run", before, puttySnapshot(t, dir))
	ds := filepath.Join(dir, "Default%20Settings")
	for _, want := range []string{
		"--- /dev/null\n+++ " + ds + "\n@@ -0,0 +1,3 @@\n+PingInterval=0\n+PingIntervalSecs=300\n+KeepaliveWas=-,-,300\n",
		"--- " + my + "\n+++ " + my + "\n@@ -1,5 +1,6 @@\n HostName=example.com\n PortNumber=22\n-PingInterval=1\n-PingIntervalSecs=0\n+PingInterval=0\n+PingIntervalSecs=300\n TCPNoDelay=1\n+KeepaliveWas=\"1\",\"0\",300\n",
		"would create " + ds + ": ",
		"would change " + my + ": PuTTY session \"my server\" keep-alive 300s (was 60s)\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("dry-run output lacks %q:\n%s", want, out)
		}
	}
}

func TestPuttyCheck(t *testing.T) {
	_, dir := puttyHome(t, true)
	puttyPut(t, dir, "s", "PingIntervalSecs=30\n")
	before := puttySnapshot(t, dir)
	// Without --interval the session's own 30 s stays.
	if code, out, _ := puttyRunCLI(t, "putty", "--check", "--session", "s"); code != 0 || !strings.Contains(out, `kept PuTTY session "s" keep-alive 30s`) {
		t.Errorf("--check without --interval: exit %d, %q; want the 30 s kept", code, out)
	}
	if code, _, _ := puttyRunCLI(t, "putty", "--check", "--session", "s", "--interval", "60"); code != exitChanged {
		t.Errorf("--check with a change to make: exit %d, want %d", code, exitChanged)
	}
	puttySameSnapshot(t, "--check", before, puttySnapshot(t, dir))
	if code, out, _ := puttyRunCLI(t, "putty", "--check", "--session", "s", "--interval", "30"); code != 0 || !strings.HasPrefix(out, "already set") {
		t.Errorf("--check with nothing to do: exit %d, %q", code, out)
	}
}

func TestPuttyUnknownSession(t *testing.T) {
	unixOnly(t, "the file store on a case-sensitive file system (on Windows \"My Server\" opens my%20server)")
	_, dir := puttyHome(t, true)
	puttyPut(t, dir, "my server", puttyLegacySession)
	puttyPut(t, dir, "other", "")
	before := puttySnapshot(t, dir)
	code, out, errs := puttyRunCLI(t, "putty", "--session", "my server", "--session", "My Server", "--session", "nope")
	if code != exitFailure || out != "" {
		t.Errorf("exit %d, stdout %q", code, out)
	}
	want := `keepalive: no PuTTY sessions "My Server", "nope" in ` + dir + `; the sessions are: "Default Settings", "my server", "other"` + "\n" +
		"keepalive: hint: check the spelling (names are case-sensitive), or add --create to save it as a copy of Default Settings\n"
	if errs != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", errs, want)
	}
	puttySameSnapshot(t, "unknown session", before, puttySnapshot(t, dir))

	// --list names them the same way.
	if code, _, errs := puttyRunCLI(t, "putty", "--list", "--session", "nope"); code != exitFailure || !strings.Contains(errs, `no PuTTY session "nope"`) {
		t.Errorf("--list of an unknown session: exit %d, %q", code, errs)
	}
}

func TestPuttyCreate(t *testing.T) {
	_, dir := puttyHome(t, true)
	puttyPut(t, dir, "Default Settings", "HostName=\nPingIntervalSecs=60\nTerminalType=xterm\n")
	code, out, errs := puttyRunCLI(t, "putty", "--session", "new one", "--create", "--interval", "5m")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	p := filepath.Join(dir, "new%20one")
	if want := "created " + p + ": PuTTY session \"new one\" with keep-alive 300s\n"; out != want {
		t.Errorf("stdout %q, want %q", out, want)
	}
	if got := puttyState(t, p).data; got != "HostName=\nPingIntervalSecs=300\nTerminalType=xterm\nPingInterval=0\nKeepaliveWas=-,\"60\",300\n" {
		t.Errorf("new session %q: want a copy of Default Settings", got)
	}
}

func TestPuttyOnlyNamedSessions(t *testing.T) {
	_, dir := puttyHome(t, true)
	puttyPut(t, dir, "a", "")
	b := puttyPut(t, dir, "b", "")
	code, _, _ := puttyRunCLI(t, "putty", "--session", "a", "--session", "a")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	if got := puttyState(t, filepath.Join(dir, "a")).data; got != "PingInterval=0\nPingIntervalSecs=60\nKeepaliveWas=-,-,60\n" {
		t.Errorf("a: %q", got)
	}
	if got := puttyState(t, b).data; got != "" {
		t.Errorf("b changed: %q", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "Default%20Settings")); err == nil {
		t.Error("Default Settings created though not named")
	}
}

func TestPuttyList(t *testing.T) {
	_, dir := puttyHome(t, true)
	puttyPut(t, dir, "my server", puttyLegacySession)
	puttyPut(t, dir, "a much longer session name", "PingIntervalSecs=300\n")
	code, out, errs := puttyRunCLI(t, "putty", "--list")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	want := "" +
		"SESSION                     KEEP-ALIVE                                     WHERE\n" +
		"Default Settings            off                                            not saved: PuTTY's built-in defaults\n" +
		"a much longer session name  300s                                           " + filepath.Join(dir, "a%20much%20longer%20session%20name") + "\n" +
		"my server                   60s (PingInterval 1 min + PingIntervalSecs 0)  " + filepath.Join(dir, "my%20server") + "\n"
	if out != want {
		t.Errorf("--list:\n%s\nwant:\n%s", out, want)
	}

	code, out, _ = puttyRunCLI(t, "putty", "--list", "--json", "--session", "my server")
	if code != 0 {
		t.Fatalf("--list --json: exit %d", code)
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("--list --json: %v\n%s", err, out)
	}
	if len(got) != 1 || got[0]["session"] != "my server" || got[0]["keepalive"] != float64(60) ||
		got[0]["ping_interval"] != float64(1) || got[0]["ping_interval_secs"] != float64(0) || got[0]["saved"] != true {
		t.Errorf("--list --json: %v", got)
	}
}

func TestPuttyJSON(t *testing.T) {
	_, dir := puttyHome(t, true)
	p := puttyPut(t, dir, "my server", puttyLegacySession)
	code, out, _ := puttyRunCLI(t, "putty", "--json", "--session", "my server", "--interval", "90")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var res struct {
		Changed  bool
		Files    []string
		Diff     string
		Sessions []struct {
			Session          string
			Before, After    int
			Changed, Created bool
		}
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !res.Changed || len(res.Files) != 1 || res.Files[0] != p || !strings.Contains(res.Diff, "+PingIntervalSecs=90\n") ||
		len(res.Sessions) != 1 || res.Sessions[0].Before != 60 || res.Sessions[0].After != 90 {
		t.Errorf("--json: %+v", res)
	}
}

func TestPuttyBackup(t *testing.T) {
	_, dir := puttyHome(t, true)
	p := puttyPut(t, dir, "s", puttyLegacySession)
	if code, _, errs := puttyRunCLI(t, "putty", "--backup", "--interval", "300"); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if got := puttyState(t, p+".keepalive.bak").data; got != puttyLegacySession {
		t.Errorf("backup %q", got)
	}
	// The backup is not taken for a session on the next run.
	if code, out, _ := puttyRunCLI(t, "putty", "--backup", "--interval", "300"); code != 0 || !strings.Contains(out, "in 2 sessions") {
		t.Errorf("second run: %d %q", code, out)
	}
}

func TestPuttyUsage(t *testing.T) {
	puttyHome(t, true)
	for _, args := range [][]string{
		{"putty", "--interval", "0"},
		{"putty", "--interval", "abc"},
		{"putty", "--interval", "-5"},
		{"putty", "--interval", "2147483648"},
		{"putty", "--list", "--interval", "5"},
		{"putty", "--list", "--dry-run"},
		{"putty", "--list", "--create"},
		{"putty", "--session", ""},
		{"putty", "--no-such-flag"},
		{"putty", "extra"},
	} {
		code, out, errs := puttyRunCLI(t, args...)
		if code != exitUsage || out != "" || !strings.HasPrefix(errs, "keepalive: ") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 2", args, code, out, errs)
		}
	}
	_, _, errs := puttyRunCLI(t, "putty", "--interval", "0")
	if !strings.Contains(errs, "--interval") || !strings.Contains(errs, "1s to 2147483647s") {
		t.Errorf("--interval 0: %q should name the flag and the range", errs)
	}
}

// Without any PuTTY directory, keepalive does not create PuTTY's
// configuration unless asked.
func TestPuttyNoPuttyDir(t *testing.T) {
	home, dir := puttyHome(t, false)
	code, out, errs := puttyRunCLI(t, "putty")
	if code != exitFailure || out != "" || !strings.Contains(errs, "PuTTY has saved no settings in "+dir) || !strings.Contains(errs, "hint: ") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if _, err := os.Stat(filepath.Join(home, ".putty")); err == nil {
		t.Error(".putty created")
	}
	// Turning keep-alives off there has nothing to do.
	if code, out, _ := puttyRunCLI(t, "disable", "--putty"); code != 0 || !strings.HasPrefix(out, "nothing to undo: keepalive set no keep-alive") {
		t.Errorf("disable --putty: exit %d, %q", code, out)
	}
	code, _, errs = puttyRunCLI(t, "putty", "--create")
	if code != 0 {
		t.Fatalf("--create: exit %d, %s", code, errs)
	}
	if got := puttyState(t, filepath.Join(dir, "Default%20Settings")).data; got != "PingInterval=0\nPingIntervalSecs=60\nKeepaliveWas=-,-,60\n" {
		t.Errorf("Default Settings %q", got)
	}
}

func TestPuttyDisable(t *testing.T) {
	_, dir := puttyHome(t, true)
	my := puttyPut(t, dir, "my server", puttyLegacySession)
	off := puttyPut(t, dir, "off", "HostName=h\n")
	var out, errb bytes.Buffer
	s := Streams{Out: &out, Err: &errb}
	// --all turns off every keep-alive, whoever set it.
	if err := runPuttyDisable(s, puttyMachine(), nil, true, writeFlags{DryRun: true}); err != nil {
		t.Fatal(err)
	}
	if puttyState(t, my).data != puttyLegacySession || !strings.Contains(out.String(), "-PingInterval=1\n") {
		t.Errorf("dry run wrote, or printed no diff:\n%s", out.String())
	}
	out.Reset()
	if err := runPuttyDisable(s, puttyMachine(), nil, true, writeFlags{}); err != nil {
		t.Fatal(err)
	}
	if got := puttyState(t, my).data; got != strings.Replace(puttyLegacySession, "PingInterval=1", "PingInterval=0", 1) {
		t.Errorf("my server: %q", got)
	}
	if got := puttyState(t, off).data; got != "HostName=h\n" {
		t.Errorf("a session already off was written: %q", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "Default%20Settings")); err == nil {
		t.Error("Default Settings created just to say off")
	}
	if err := runPuttyDisable(s, puttyMachine(), []string{"nope"}, false, writeFlags{}); err == nil {
		t.Error("disable of an unknown session succeeded")
	}
	// Through the command, as users run it.
	puttyPut(t, dir, "on", "PingIntervalSecs=5\n")
	code, stdout, _ := puttyRunCLI(t, "disable", "--putty", "--session", "on")
	if code != 0 || !strings.Contains(stdout, `kept: not set by keepalive (PuTTY session "on" keep-alive 5s)`) || puttyState(t, filepath.Join(dir, "on")).data != "PingIntervalSecs=5\n" {
		t.Errorf("disable --putty --session on: exit %d, %q; want the user's 5 s kept", code, stdout)
	}
	code, stdout, _ = puttyRunCLI(t, "disable", "--putty", "--all", "--session", "on")
	if code != 0 || !strings.Contains(stdout, `PuTTY session "on" keep-alive off (was 5s)`) {
		t.Errorf("disable --putty --all --session on: exit %d, %q", code, stdout)
	}
}

// TestPuttyUndo: putty --interval then disable --putty gives every session
// back byte for byte, the user's own values included.
func TestPuttyUndo(t *testing.T) {
	_, dir := puttyHome(t, true)
	my := puttyPut(t, dir, "my server", puttyLegacySession)
	win := puttyPut(t, dir, "win", puttyCRLFSession)
	if code, out, errs := puttyRunCLI(t, "putty", "--interval", "30"); code != 0 || !strings.Contains(out, `"my server" keep-alive 30s (was 60s)`) {
		t.Fatalf("putty: exit %d, %q, %q", code, out, errs)
	}
	code, out, errs := puttyRunCLI(t, "disable", "--putty")
	if code != 0 || !strings.Contains(out, `"my server" keep-alive restored to 60s (was 30s)`) {
		t.Fatalf("disable --putty: exit %d, %q, %q", code, out, errs)
	}
	for p, want := range map[string]string{my: puttyLegacySession, win: puttyCRLFSession} {
		if got := puttyState(t, p).data; got != want {
			t.Errorf("%s: %q, want the original %q", p, got, want)
		}
	}
	// The Default Settings keepalive created is gone again.
	if _, err := os.Stat(filepath.Join(dir, "Default%20Settings")); err == nil {
		t.Error("Default Settings left behind")
	}
}

// puttyFailingStore fails SetKeepAlive for one session, planning (dry run)
// or writing, to show what the command does about it.
type puttyFailingStore struct {
	*putty.FileStore
	session  string
	onWrite  bool
	failWith error
}

func (f *puttyFailingStore) SetKeepAlive(name string, seconds int, opts putty.SetOptions) (putty.Change, error) {
	if name == f.session && opts.DryRun != f.onWrite {
		return putty.Change{Session: name, Location: filepath.Join(f.Dir, putty.EscapeFileName(name))},
			fmt.Errorf("open %s: %w", name, f.failWith)
	}
	return f.FileStore.SetKeepAlive(name, seconds, opts)
}

func TestPuttyFailures(t *testing.T) {
	for _, onWrite := range []bool{false, true} {
		home, dir := puttyHome(t, true)
		a := puttyPut(t, dir, "a", "")
		puttyPut(t, dir, "b", "")
		c := puttyPut(t, dir, "c", "")
		m := SystemMachine()
		m.PuttyStore = func() (putty.Store, error) {
			fs := putty.FindFileStore(putty.Env{Getenv: os.Getenv, PasswdHome: home})
			return &puttyFailingStore{FileStore: fs, session: "b", onWrite: onWrite, failWith: os.ErrPermission}, nil
		}
		code, out, errs := puttyRunOn(m, "putty", "--session", "a", "--session", "b", "--session", "c")
		if code != exitFailure || !strings.Contains(errs, "open b: permission denied") || !strings.Contains(errs, "keepalive: hint: PuTTY sessions belong to their user") {
			t.Errorf("onWrite=%v: exit %d, stderr %q", onWrite, code, errs)
		}
		if got := puttyState(t, c).data; got != "" {
			t.Errorf("onWrite=%v: c written after the failure: %q", onWrite, got)
		}
		aWritten := puttyState(t, a).data != ""
		if aWritten != onWrite {
			t.Errorf("onWrite=%v: a written=%v; a failure while planning must leave everything as it was", onWrite, aWritten)
		}
		// What was written before the failure is reported.
		if reported := strings.Contains(out, "changed "+a+": "); reported != onWrite {
			t.Errorf("onWrite=%v: stdout %q", onWrite, out)
		}
	}
}

// runPuttyDisable is `keepalive disable --putty [--all] [--session ...]`.
func runPuttyDisable(s Streams, m *Machine, sessions []string, all bool, wf writeFlags) error {
	wf.All = all
	return runDisable(s, m, &disableOptions{Putty: true, Sessions: sessions, writeFlags: wf, clientFlags: clientFlags{Host: "*"}})
}

package putty

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"
)

// These tests run the registry store against the real registry: Wine's, in
// the throwaway prefix of make test-windows. They work under a key of their
// own (testApp), so no PuTTY needs to be installed and no real session is
// touched; TestRegistryRealPuTTYKey uses PuTTY's and KiTTY's own keys, and
// only under Wine.

// testApp is an app whose key is fresh for the test and removed after it.
func testApp(t *testing.T) App {
	t.Helper()
	key := fmt.Sprintf(`Software\keepalive-test\%s-%d`, t.Name(), time.Now().UnixNano())
	t.Cleanup(func() { deleteTree(t, key) })
	return App{Name: "Test", Key: key}
}

// deleteTree removes a key and everything under it.
func deleteTree(t *testing.T, path string) {
	t.Helper()
	k, err := registry.OpenKey(registry.CURRENT_USER, path, registry.ENUMERATE_SUB_KEYS)
	if errors.Is(err, registry.ErrNotExist) {
		return
	}
	if err != nil {
		t.Errorf("open %s: %v", path, err)
		return
	}
	subs, _ := k.ReadSubKeyNames(-1)
	k.Close()
	for _, s := range subs {
		deleteTree(t, path+`\`+s)
	}
	if err := registry.DeleteKey(registry.CURRENT_USER, path); err != nil {
		t.Errorf("delete %s: %v", path, err)
	}
}

// rv is a value as the test writes it with the registry API directly.
type rv struct {
	name string
	typ  uint32
	val  any // uint32, uint64, string, []string, []byte
}

// mkKey creates a key (and its parents) holding vals.
func mkKey(t *testing.T, path string, vals ...rv) {
	t.Helper()
	k, _, err := registry.CreateKey(registry.CURRENT_USER, path, registry.ALL_ACCESS)
	if err != nil {
		t.Fatalf("create %s: %v", path, err)
	}
	defer k.Close()
	for _, v := range vals {
		switch v.typ {
		case registry.DWORD:
			err = k.SetDWordValue(v.name, v.val.(uint32))
		case registry.QWORD:
			err = k.SetQWordValue(v.name, v.val.(uint64))
		case registry.SZ:
			err = k.SetStringValue(v.name, v.val.(string))
		case registry.EXPAND_SZ:
			err = k.SetExpandStringValue(v.name, v.val.(string))
		case registry.MULTI_SZ:
			err = k.SetStringsValue(v.name, v.val.([]string))
		case registry.BINARY:
			err = k.SetBinaryValue(v.name, v.val.([]byte))
		}
		if err != nil {
			t.Fatalf("set %s\\%s: %v", path, v.name, err)
		}
	}
}

// snapshot is every value of a key as "name type hex-bytes", sorted, read
// with the registry API (not through the store).
func snapshot(t *testing.T, path string) map[string]string {
	t.Helper()
	k, err := registry.OpenKey(registry.CURRENT_USER, path, registry.QUERY_VALUE)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer k.Close()
	names, err := k.ReadValueNames(-1)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, n := range names {
		buf := make([]byte, 1024)
		m, typ, err := k.GetValue(n, buf)
		if err != nil {
			t.Fatalf("%s\\%s: %v", path, n, err)
		}
		out[n] = fmt.Sprintf("type %d % x", typ, buf[:m])
	}
	return out
}

// dwords reads the two keep-alive values as the registry has them: "-" for
// a missing one, else the number and whether it is a REG_DWORD.
func dwords(t *testing.T, path string) string {
	t.Helper()
	k, err := registry.OpenKey(registry.CURRENT_USER, path, registry.QUERY_VALUE)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer k.Close()
	var out []string
	for _, name := range []string{"PingInterval", "PingIntervalSecs"} {
		n, typ, err := k.GetIntegerValue(name)
		switch {
		case errors.Is(err, registry.ErrNotExist):
			out = append(out, name+"=-")
		case err != nil:
			out = append(out, name+"="+err.Error())
		case typ != registry.DWORD:
			out = append(out, fmt.Sprintf("%s=%d (type %d)", name, n, typ))
		default:
			out = append(out, fmt.Sprintf("%s=%d", name, n))
		}
	}
	return strings.Join(out, " ")
}

// utf16Hex is a REG_SZ's data as snapshot shows it.
func utf16Hex(s string) string {
	var b []byte
	for _, u := range windows.StringToUTF16(s) {
		b = append(b, byte(u), byte(u>>8))
	}
	return fmt.Sprintf("% x", b)
}

func keyExists(path string) bool {
	k, err := registry.OpenKey(registry.CURRENT_USER, path, registry.QUERY_VALUE)
	if err == nil {
		k.Close()
	}
	return err == nil
}

// others is every value a session carries besides the keep-alive: each
// registry type a user or PuTTY may have put there.
var others = []rv{
	{"HostName", registry.SZ, "box.example"},
	{"PortNumber", registry.DWORD, uint32(2222)},
	{"TCPKeepalives", registry.DWORD, uint32(1)},
	{"Colour0", registry.SZ, "187,187,187"},
	{"LogFileName", registry.EXPAND_SZ, `%USERPROFILE%\putty.log`},
	{"Environment", registry.MULTI_SZ, []string{"A=1", "B=2"}},
	{"Blob", registry.BINARY, []byte{0, 1, 2, 0xfe, 0xff}},
	{"Big", registry.QWORD, uint64(1) << 40},
	{"Empty", registry.SZ, ""},
}

func TestWineRegistryEnumerateAndRead(t *testing.T) {
	app := testApp(t)
	s := appStore(app)
	if ok, err := s.Exists(); ok || err != nil {
		t.Fatalf("fresh key: Exists = %v, %v", ok, err)
	}
	if ss, err := s.Sessions(); err != nil || len(ss) != 0 {
		t.Fatalf("no key: Sessions = %v, %v", ss, err)
	}
	sk := app.Key + `\Sessions`
	mkKey(t, sk+`\my%20server`, append(slices.Clone(others), rv{"PingInterval", registry.DWORD, uint32(1)}, rv{"PingIntervalSecs", registry.DWORD, uint32(15)})...)
	mkKey(t, sk+`\Default%20Settings`, rv{"PingIntervalSecs", registry.DWORD, uint32(30)})
	mkKey(t, sk+`\%2Edotted`, rv{"pingintervalsecs", registry.DWORD, uint32(9)})
	mkKey(t, sk+`\a%5Cb%2Ac%3Fd%25e`, rv{"PingIntervalSecs", registry.DWORD, uint32(7)})
	mkKey(t, sk+`\no%20ping`, others...)
	mkKey(t, sk+`\as%20text`, rv{"PingIntervalSecs", registry.SZ, "300"})
	mkKey(t, sk+`\negative`, rv{"PingIntervalSecs", registry.DWORD, uint32(0xffffffff)})
	mkKey(t, sk+`\.bad`)        // PuTTY would load ".bad" from %2Ebad
	mkKey(t, sk+`\lower%2fhex`) // and "lower/hex" from lower/hex

	if ok, err := s.Exists(); !ok || err != nil {
		t.Errorf("Exists = %v, %v", ok, err)
	}
	got, err := s.Sessions()
	if err != nil {
		t.Fatal(err)
	}
	var desc []string
	for _, ss := range got {
		desc = append(desc, fmt.Sprintf("%s=%d+%d", ss.Name, ss.KeepAlive.Minutes, ss.KeepAlive.Seconds))
	}
	want := `Default Settings=0+30|.dotted=0+9|a\b*c?d%e=0+7|as text=0+0|my server=1+15|negative=0+-1|no ping=0+0`
	if strings.Join(desc, "|") != want {
		t.Errorf("sessions\n got %s\nwant %s", strings.Join(desc, "|"), want)
	}
	ms, err := s.Session("my server")
	if err != nil || ms.KeepAlive.Interval() != 75 || ms.Location != `HKCU\`+sk+`\my%20server` || ms.Source() != ms.Location {
		t.Errorf("my server: %+v, %v; want 75 s (1 min + 15 s) at its key", ms, err)
	}
	if _, err := s.Session("nope"); !errors.Is(err, ErrNoSession) {
		t.Errorf("missing session: %v", err)
	}
}

func TestWineRegistrySet(t *testing.T) {
	app := testApp(t)
	s := appStore(app)
	sk := app.Key + `\Sessions`
	key := sk + `\my%20server`
	mkKey(t, key, append(slices.Clone(others), rv{"PingInterval", registry.DWORD, uint32(1)}, rv{"PingIntervalSecs", registry.DWORD, uint32(0)})...)
	before := snapshot(t, key)

	ch, err := s.SetKeepAlive("my server", 45, SetOptions{DryRun: true})
	if err != nil || !ch.Changed || ch.Before.Interval() != 60 || ch.After.Interval() != 45 {
		t.Errorf("dry run: %+v, %v", ch, err)
	}
	if got := snapshot(t, key); !maps.Equal(got, before) {
		t.Errorf("dry run wrote:\n%v\nwas\n%v", got, before)
	}

	ch, err = s.SetKeepAlive("my server", 45, SetOptions{})
	if err != nil || !ch.Changed || ch.Created || ch.After != (KeepAlive{0, 45}) {
		t.Fatalf("set: %+v, %v", ch, err)
	}
	if got := dwords(t, key); got != "PingInterval=0 PingIntervalSecs=45" {
		t.Errorf("after set: %s", got)
	}
	after := snapshot(t, key)
	for name, v := range before {
		if name == "PingInterval" || name == "PingIntervalSecs" {
			continue
		}
		if after[name] != v {
			t.Errorf("%s changed: %s, was %s", name, after[name], v)
		}
	}
	// One value more: keepalive's record of what the keep-alive was.
	if len(after) != len(before)+1 || after["KeepaliveWas"] != "type 1 "+utf16Hex(`"1","0",45`) {
		t.Errorf("%d values after, %d before; KeepaliveWas %s", len(after), len(before), after["KeepaliveWas"])
	}

	// Again: nothing to do, nothing written.
	if ch, err = s.SetKeepAlive("my server", 45, SetOptions{}); err != nil || ch.Changed {
		t.Errorf("second run: %+v, %v", ch, err)
	}

	// A session key without keep-alive values gets both, as DWORDs.
	mkKey(t, sk+`\no%20ping`, others...)
	before = snapshot(t, sk+`\no%20ping`)
	if ch, err = s.SetKeepAlive("no ping", 300, SetOptions{}); err != nil || !ch.Changed || ch.Before.Interval() != 0 {
		t.Fatalf("no ping: %+v, %v", ch, err)
	}
	if got := dwords(t, sk+`\no%20ping`); got != "PingInterval=0 PingIntervalSecs=300" {
		t.Errorf("no ping: %s", got)
	}
	after = snapshot(t, sk+`\no%20ping`)
	for name, v := range before {
		if after[name] != v {
			t.Errorf("no ping: %s changed: %s, was %s", name, after[name], v)
		}
	}

	// A keep-alive saved as text reads as off and is replaced by a DWORD.
	mkKey(t, sk+`\as%20text`, rv{"PingIntervalSecs", registry.SZ, "30"})
	if ch, err = s.SetKeepAlive("as text", 30, SetOptions{}); err != nil || !ch.Changed {
		t.Errorf("text value: %+v, %v", ch, err)
	}
	if got := dwords(t, sk+`\as%20text`); got != "PingInterval=0 PingIntervalSecs=30" {
		t.Errorf("text value: %s", got)
	}

	// An escaped name is written to the key PuTTY reads it from.
	mkKey(t, sk+`\%2Ea%5Cb%20c%25`, rv{"PingIntervalSecs", registry.DWORD, uint32(1)})
	if _, err := s.SetKeepAlive(`.a\b c%`, 20, SetOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := dwords(t, sk+`\%2Ea%5Cb%20c%25`); got != "PingInterval=0 PingIntervalSecs=20" {
		t.Errorf("escaped name: %s", got)
	}

	// Disable: both values 0, the key and its other values stay.
	if ch, err = s.SetKeepAlive("my server", 0, SetOptions{}); err != nil || !ch.Changed || ch.Before.Interval() != 45 {
		t.Errorf("disable: %+v, %v", ch, err)
	}
	if got := dwords(t, key); got != "PingInterval=0 PingIntervalSecs=0" {
		t.Errorf("disabled: %s", got)
	}
}

// disable --putty gives every session back exactly what it had, checked
// value by value (name, type, bytes) with the registry API: PingInterval
// in minutes, values of the wrong type, absent values deleted again, and a
// Default Settings keepalive created deleted again.
func TestWineRegistryUndo(t *testing.T) {
	app := testApp(t)
	s := appStore(app)
	sk := app.Key + `\Sessions`
	mkKey(t, sk+`\my%20server`, append(slices.Clone(others), rv{"PingInterval", registry.DWORD, uint32(0)}, rv{"PingIntervalSecs", registry.DWORD, uint32(30)})...)
	mkKey(t, sk+`\legacy`, rv{"HostName", registry.SZ, "old"}, rv{"PingInterval", registry.DWORD, uint32(5)}, rv{"PingIntervalSecs", registry.DWORD, uint32(0)})
	mkKey(t, sk+`\no%20ping`, others...)
	mkKey(t, sk+`\as%20text`, rv{"PingIntervalSecs", registry.SZ, "30"}, rv{"pinginterval", registry.QWORD, uint64(7)})
	keys := map[string]string{"my server": `\my%20server`, "legacy": `\legacy`, "no ping": `\no%20ping`, "as text": `\as%20text`}
	before := map[string]map[string]string{}
	for _, k := range keys {
		before[k] = snapshot(t, sk+k)
	}

	// Without an interval, my server keeps its 30 s.
	ch, err := s.SetKeepAlive("my server", 60, SetOptions{Keep: true})
	if err != nil || ch.Changed || !ch.Kept || ch.Why != "in effect" {
		t.Errorf("keep: %+v, %v", ch, err)
	}
	if got := snapshot(t, sk+`\my%20server`); !maps.Equal(got, before[`\my%20server`]) {
		t.Errorf("keep wrote: %v", got)
	}

	for _, n := range []string{DefaultSettings, "my server", "legacy", "no ping", "as text"} {
		if ch, err := s.SetKeepAlive(n, 45, SetOptions{}); err != nil || !ch.Changed {
			t.Fatalf("set %s: %+v, %v", n, ch, err)
		}
	}
	if got := snapshot(t, sk+`\legacy`)["KeepaliveWas"]; got != "type 1 "+utf16Hex(`"5","0",45`) {
		t.Errorf("legacy's record: %s", got)
	}
	// A second change keeps the first record.
	if _, err := s.SetKeepAlive("legacy", 90, SetOptions{}); err != nil {
		t.Fatal(err)
	}

	for _, n := range []string{DefaultSettings, "my server", "legacy", "no ping", "as text"} {
		ch, err := s.SetKeepAlive(n, 0, SetOptions{Undo: true})
		if err != nil || !ch.Changed || !ch.Restored {
			t.Errorf("undo %s: %+v, %v", n, ch, err)
		}
	}
	for n, k := range keys {
		if got := snapshot(t, sk+k); !maps.Equal(got, before[k]) {
			t.Errorf("%s after undo:\n%v\nwas\n%v", n, got, before[k])
		}
	}
	if keyExists(sk + `\Default%20Settings`) {
		t.Error("the Default Settings keepalive created is still there")
	}
	if got := dwords(t, sk+`\legacy`); got != "PingInterval=5 PingIntervalSecs=0" {
		t.Errorf("legacy: %s", got)
	}

	// Changed since keepalive set it: the user's value stays, said so.
	s.SetKeepAlive("legacy", 60, SetOptions{})
	mkKey(t, sk+`\legacy`, rv{"PingIntervalSecs", registry.DWORD, uint32(20)})
	ch, err = s.SetKeepAlive("legacy", 0, SetOptions{Undo: true})
	if err != nil || !ch.Kept || ch.Why != "changed since keepalive set it" || ch.Restored {
		t.Errorf("changed since: %+v, %v", ch, err)
	}
	if got := snapshot(t, sk+`\legacy`); got["KeepaliveWas"] != "" || dwords(t, sk+`\legacy`) != "PingInterval=0 PingIntervalSecs=20" {
		t.Errorf("changed since: %v", got)
	}
}

// PingInterval counts minutes: a session PuTTY's old versions saved with
// PingInterval=5 already has 300 s, and asking for 60 s must not give 5 min
// + 60 s.
func TestWineRegistryMinutesTrap(t *testing.T) {
	app := testApp(t)
	s := appStore(app)
	key := app.Key + `\Sessions\legacy`
	mkKey(t, key, rv{"HostName", registry.SZ, "old"}, rv{"PingInterval", registry.DWORD, uint32(5)}, rv{"PingIntervalSecs", registry.DWORD, uint32(0)})
	ss, err := s.Session("legacy")
	if err != nil || ss.KeepAlive != (KeepAlive{Minutes: 5}) || ss.KeepAlive.Interval() != 300 {
		t.Fatalf("legacy reads %+v, %v; want 5 min = 300 s", ss.KeepAlive, err)
	}
	ch, err := s.SetKeepAlive("legacy", 300, SetOptions{})
	if err != nil || ch.Changed {
		t.Errorf("300 s on 5 min: %+v, %v; want no change", ch, err)
	}
	if got := dwords(t, key); got != "PingInterval=5 PingIntervalSecs=0" {
		t.Errorf("untouched legacy value rewritten: %s", got)
	}
	if ch, err = s.SetKeepAlive("legacy", 60, SetOptions{}); err != nil || ch.Before.Interval() != 300 || ch.After.Interval() != 60 {
		t.Errorf("60 s: %+v, %v", ch, err)
	}
	if got := dwords(t, key); got != "PingInterval=0 PingIntervalSecs=60" {
		t.Errorf("after 60 s: %s", got)
	}
}

func TestWineRegistryCreate(t *testing.T) {
	app := testApp(t)
	s := appStore(app)
	sk := app.Key + `\Sessions`

	// Off in a Default Settings never saved: already so, nothing created.
	if ch, err := s.SetKeepAlive(DefaultSettings, 0, SetOptions{}); err != nil || ch.Changed || keyExists(app.Key) {
		t.Errorf("off in unsaved Default Settings: %+v, %v", ch, err)
	}
	ch, err := s.SetKeepAlive(DefaultSettings, 300, SetOptions{})
	if err != nil || !ch.Changed || !ch.Created {
		t.Fatalf("Default Settings: %+v, %v", ch, err)
	}
	if got := snapshot(t, sk+`\Default%20Settings`); len(got) != 3 {
		t.Errorf("created Default Settings holds %v, want only the two keep-alive values and KeepaliveWas", got)
	}
	if got := dwords(t, sk+`\Default%20Settings`); got != "PingInterval=0 PingIntervalSecs=300" {
		t.Errorf("Default Settings: %s", got)
	}

	// A new session is a copy of Default Settings, every value type kept.
	mkKey(t, sk+`\Default%20Settings`, others...)
	if _, err := s.SetKeepAlive("new one", 60, SetOptions{}); !errors.Is(err, ErrNoSession) || keyExists(sk+`\new%20one`) {
		t.Errorf("without Create: %v", err)
	}
	if ch, err = s.SetKeepAlive("new one", 60, SetOptions{Create: true}); err != nil || !ch.Created {
		t.Fatalf("create: %+v, %v", ch, err)
	}
	seed, made := snapshot(t, sk+`\Default%20Settings`), snapshot(t, sk+`\new%20one`)
	for name, v := range seed {
		if name != "PingInterval" && name != "PingIntervalSecs" && name != "KeepaliveWas" && made[name] != v {
			t.Errorf("copied %s = %s, Default Settings has %s", name, made[name], v)
		}
	}
	if got := dwords(t, sk+`\new%20one`); got != "PingInterval=0 PingIntervalSecs=60" {
		t.Errorf("new session: %s", got)
	}
}

// Session names are escaped in the ANSI code page, as PuTTY does.
func TestWineRegistryANSINames(t *testing.T) {
	if windows.GetACP() != 1252 {
		t.Skipf("ANSI code page is %d; the case is for 1252 (Western European)", windows.GetACP())
	}
	app := testApp(t)
	s := appStore(app)
	mkKey(t, app.Key+`\Sessions\B%FCcher`, rv{"PingIntervalSecs", registry.DWORD, uint32(5)})
	got, err := s.Sessions()
	if err != nil || len(got) != 1 || got[0].Name != "Bücher" || got[0].KeepAlive.Interval() != 5 {
		t.Fatalf("sessions: %+v, %v", got, err)
	}
	if _, err := s.SetKeepAlive("Bücher", 10, SetOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := dwords(t, app.Key+`\Sessions\B%FCcher`); got != "PingInterval=0 PingIntervalSecs=10" {
		t.Errorf("B%%FCcher: %s", got)
	}
}

// onlyUnderWine skips a test that writes PuTTY's or KiTTY's real keys
// anywhere but in a Wine prefix (make test-windows makes a throwaway one):
// on a real Windows machine they hold the user's sessions.
func onlyUnderWine(t *testing.T) {
	t.Helper()
	k, err := registry.OpenKey(registry.LOCAL_MACHINE, `Software\Wine`, registry.QUERY_VALUE)
	if err != nil {
		t.Skip("writes the real PuTTY and KiTTY keys: runs only in make test-windows's throwaway Wine prefix")
	}
	k.Close()
	for _, app := range Apps() {
		if keyExists(app.Key) {
			t.Fatalf("HKCU\\%s exists before the test: make test-windows's prefix is fresh, so this is not it", app.Key)
		}
	}
}

// DefaultStore is PuTTY's real key, and KiTTY's too when that exists,
// KiTTY's sessions listed apart.
func TestRegistryRealPuTTYKey(t *testing.T) {
	onlyUnderWine(t)
	for _, app := range Apps() {
		t.Cleanup(func() { deleteTree(t, app.Key) })
	}
	s, err := DefaultStore()
	if err != nil || s.Where() != `HKCU\Software\SimonTatham\PuTTY\Sessions` {
		t.Fatalf("DefaultStore with nothing saved: %v, %v", s, err)
	}
	mkKey(t, `Software\SimonTatham\PuTTY\Sessions\box`, rv{"HostName", registry.SZ, "box"}, rv{"PingInterval", registry.DWORD, uint32(2)})
	mkKey(t, `Software\9bis.com\KiTTY\Sessions\box`, rv{"HostName", registry.SZ, "kbox"})
	mkKey(t, `Software\9bis.com\KiTTY\Sessions\Default%20Settings`, rv{"PingIntervalSecs", registry.DWORD, uint32(10)})
	if s, err = DefaultStore(); err != nil {
		t.Fatal(err)
	}
	if want := `HKCU\Software\SimonTatham\PuTTY\Sessions and HKCU\Software\9bis.com\KiTTY\Sessions`; s.Where() != want {
		t.Errorf("Where = %q, want %q", s.Where(), want)
	}
	got, err := s.Sessions()
	if err != nil {
		t.Fatal(err)
	}
	var desc []string
	for _, ss := range got {
		desc = append(desc, fmt.Sprintf("%s=%d@%s", ss.Name, ss.KeepAlive.Interval(), ss.Location))
	}
	want := `box=120@HKCU\Software\SimonTatham\PuTTY\Sessions\box|` +
		`kitty: Default Settings=10@HKCU\Software\9bis.com\KiTTY\Sessions\Default%20Settings|` +
		`kitty: box=0@HKCU\Software\9bis.com\KiTTY\Sessions\box`
	if strings.Join(desc, "|") != want {
		t.Errorf("sessions\n got %s\nwant %s", strings.Join(desc, "|"), want)
	}
	for _, name := range []string{"box", "kitty: box", "kitty: Default Settings"} {
		if ch, err := s.SetKeepAlive(name, 25, SetOptions{}); err != nil || !ch.Changed || ch.Session != name {
			t.Errorf("set %q: %+v, %v", name, ch, err)
		}
	}
	for _, key := range []string{`Software\SimonTatham\PuTTY\Sessions\box`, `Software\9bis.com\KiTTY\Sessions\box`, `Software\9bis.com\KiTTY\Sessions\Default%20Settings`} {
		if got := dwords(t, key); got != "PingInterval=0 PingIntervalSecs=25" {
			t.Errorf("%s: %s", key, got)
		}
	}
	if got := snapshot(t, `Software\9bis.com\KiTTY\Sessions\box`)["HostName"]; !strings.Contains(got, "6b 00 62 00 6f 00 78 00") {
		t.Errorf("KiTTY's HostName changed: %s", got)
	}

	k, err := AppStore("kitty")
	if err != nil || k.Where() != `HKCU\Software\9bis.com\KiTTY\Sessions` {
		t.Errorf("AppStore(kitty) = %v, %v", k, err)
	}
	if ss, err := k.Sessions(); err != nil || len(ss) != 2 || ss[1].Name != "box" {
		t.Errorf("KiTTY alone: %+v, %v", ss, err)
	}
	if _, err := AppStore("mobaxterm"); err == nil {
		t.Error("AppStore of an unknown app: no error")
	}
}

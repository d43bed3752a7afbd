package putty

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io/fs"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// fakeRegistry is HKEY_CURRENT_USER as a map from key path to values. Like
// the registry, key and value names are case-insensitive.
type fakeRegistry struct {
	keys   map[string][]RegValue // lower-cased path
	names  map[string]string     // lower-cased path -> path as created
	writes int
}

func newFakeRegistry() *fakeRegistry {
	return &fakeRegistry{keys: map[string][]RegValue{}, names: map[string]string{}}
}

func (r *fakeRegistry) KeyExists(path string) (bool, error) {
	_, ok := r.keys[strings.ToLower(path)]
	return ok, nil
}

func (r *fakeRegistry) SubKeys(path string) ([]string, error) {
	prefix := strings.ToLower(path) + `\`
	var out []string
	for k := range r.keys {
		if rest, ok := strings.CutPrefix(k, prefix); ok && !strings.Contains(rest, `\`) {
			out = append(out, r.names[k][len(prefix):])
		}
	}
	sort.Strings(out)
	return out, nil
}

func (r *fakeRegistry) Values(path string) ([]RegValue, error) {
	v, ok := r.keys[strings.ToLower(path)]
	if !ok {
		return nil, fs.ErrNotExist
	}
	return append([]RegValue(nil), v...), nil
}

func (r *fakeRegistry) SetValues(path string, vals []RegValue) error {
	r.writes++
	// Create the key and its parents.
	parts := strings.Split(path, `\`)
	for i := range parts {
		p := strings.Join(parts[:i+1], `\`)
		if _, ok := r.keys[strings.ToLower(p)]; !ok {
			r.keys[strings.ToLower(p)] = nil
			r.names[strings.ToLower(p)] = p
		}
	}
	r.keys[strings.ToLower(path)] = mergeValues(r.keys[strings.ToLower(path)], vals)
	return nil
}

func (r *fakeRegistry) DeleteValues(path string, names []string) error {
	r.writes++
	vals, ok := r.keys[strings.ToLower(path)]
	if !ok {
		return fs.ErrNotExist
	}
	r.keys[strings.ToLower(path)] = deleteValues(vals, names)
	return nil
}

func (r *fakeRegistry) DeleteKey(path string) error {
	r.writes++
	if subs, _ := r.SubKeys(path); len(subs) > 0 {
		return errors.New("key has subkeys")
	}
	if _, ok := r.keys[strings.ToLower(path)]; !ok {
		return fs.ErrNotExist
	}
	delete(r.keys, strings.ToLower(path))
	delete(r.names, strings.ToLower(path))
	return nil
}

func dw(name string, n uint32) RegValue {
	return RegValue{Name: name, Type: RegDWORD, Data: binary.LittleEndian.AppendUint32(nil, n)}
}

func sz(name, s string) RegValue {
	var b []byte
	for _, r := range s + "\x00" {
		b = binary.LittleEndian.AppendUint16(b, uint16(r))
	}
	return RegValue{Name: name, Type: RegSZ, Data: b}
}

func session(r *fakeRegistry, escaped string, vals ...RegValue) {
	r.SetValues(regSessions+`\`+escaped, vals)
	r.writes = 0
}

func TestRegistrySessions(t *testing.T) {
	r := newFakeRegistry()
	s := &RegistryStore{Reg: r}
	if ok, _ := s.Exists(); ok {
		t.Error("empty registry: PuTTY key exists")
	}
	if ss, err := s.Sessions(); err != nil || len(ss) != 0 {
		t.Errorf("empty registry: %v, %v", ss, err)
	}
	session(r, "my%20server", sz("HostName", "h"), dw("PingInterval", 1), dw("PingIntervalSecs", 0))
	session(r, "Default%20Settings", dw("PingIntervalSecs", 30))
	session(r, "%2Edotted", dw("pingintervalsecs", 9)) // value names are case-insensitive
	session(r, "a/b", sz("PingIntervalSecs", "300"))   // a string is not read as a number
	session(r, ".bad")                                 // PuTTY would load ".bad" from %2Ebad
	session(r, "lower%2fhex")
	if ok, _ := s.Exists(); !ok {
		t.Error("PuTTY key missing")
	}
	got, err := s.Sessions()
	if err != nil {
		t.Fatal(err)
	}
	var desc []string
	for _, ss := range got {
		desc = append(desc, ss.Name+"="+strconv.Itoa(ss.KeepAlive.Interval()))
	}
	want := "Default Settings=30|.dotted=9|a/b=0|my server=60"
	if strings.Join(desc, "|") != want {
		t.Errorf("sessions %q, want %q", strings.Join(desc, "|"), want)
	}
	if got[3].Location != `HKCU\Software\SimonTatham\PuTTY\Sessions\my%20server` {
		t.Errorf("location %q", got[3].Location)
	}
	if _, err := s.Session("nope"); !errors.Is(err, ErrNoSession) {
		t.Errorf("unknown session: %v", err)
	}
}

func TestRegistrySetKeepAlive(t *testing.T) {
	r := newFakeRegistry()
	s := &RegistryStore{Reg: r}
	key := regSessions + `\my%20server`
	session(r, "my%20server", sz("HostName", "h"), dw("PingInterval", 1), dw("PingIntervalSecs", 0), dw("TCPNoDelay", 1))

	ch, err := s.SetKeepAlive("my server", 1, SetOptions{DryRun: true})
	if err != nil || !ch.Changed || ch.Before.Interval() != 60 || ch.After.Interval() != 1 || r.writes != 0 {
		t.Fatalf("dry run: %+v, %v, %d writes", ch, err, r.writes)
	}
	wantOld := "[HKEY_CURRENT_USER\\Software\\SimonTatham\\PuTTY\\Sessions\\my%20server]\n\"PingInterval\"=dword:00000001\n\"PingIntervalSecs\"=dword:00000000\n"
	wantNew := strings.Replace(strings.Replace(wantOld, "00000001", "00000000", 1), "Secs\"=dword:00000000", "Secs\"=dword:00000001", 1) +
		`"KeepaliveWas"="\"1\",\"0\",1"` + "\n"
	if string(ch.OldText) != wantOld || string(ch.NewText) != wantNew {
		t.Errorf("dry-run text:\n%s\n%s", ch.OldText, ch.NewText)
	}

	if ch, err = s.SetKeepAlive("my server", 1, SetOptions{}); err != nil || !ch.Changed || r.writes != 1 {
		t.Fatalf("set: %+v, %v", ch, err)
	}
	vals, _ := r.Values(key)
	if k := regKeepAlive(vals); k != (KeepAlive{0, 1}) || len(vals) != 5 {
		t.Errorf("after set: %+v (%d values)", k, len(vals))
	}
	if ch, err = s.SetKeepAlive("my server", 1, SetOptions{}); err != nil || ch.Changed || r.writes != 1 {
		t.Errorf("second run: %+v, %v, %d writes", ch, err, r.writes)
	}

	// A value of the wrong type is replaced by a DWORD.
	session(r, "str", sz("PingIntervalSecs", "30"))
	if ch, err = s.SetKeepAlive("str", 30, SetOptions{}); err != nil || !ch.Changed {
		t.Errorf("string value: %+v, %v", ch, err)
	}
	vals, _ = r.Values(regSessions + `\str`)
	if len(vals) != 3 || regKeepAlive(vals).Interval() != 30 {
		t.Errorf("string value replaced: %+v", vals)
	}
}

func TestRegistryCreate(t *testing.T) {
	r := newFakeRegistry()
	s := &RegistryStore{Reg: r}
	if ch, err := s.SetKeepAlive(DefaultSettings, 0, SetOptions{}); err != nil || ch.Changed || r.writes != 0 {
		t.Errorf("off in unsaved Default Settings: %+v, %v", ch, err)
	}
	ch, err := s.SetKeepAlive(DefaultSettings, 300, SetOptions{})
	if err != nil || !ch.Changed || !ch.Created || ch.OldText != nil {
		t.Errorf("Default Settings: %+v, %v", ch, err)
	}
	if _, err := s.SetKeepAlive("new", 60, SetOptions{}); !errors.Is(err, ErrNoSession) {
		t.Errorf("unknown session: %v", err)
	}
	if ok, _ := r.KeyExists(regSessions + `\new`); ok {
		t.Error("unknown session created")
	}
	session(r, "Default%20Settings", sz("HostName", "seed"), dw("PingIntervalSecs", 300), dw("TCPKeepalives", 1))
	if ch, err = s.SetKeepAlive("new", 60, SetOptions{Create: true}); err != nil || !ch.Created {
		t.Fatalf("create: %+v, %v", ch, err)
	}
	vals, _ := r.Values(regSessions + `\new`)
	names := ""
	for _, v := range vals {
		names += v.Name + ","
	}
	if names != "HostName,TCPKeepalives,PingInterval,PingIntervalSecs,KeepaliveWas," || regKeepAlive(vals).Interval() != 60 {
		t.Errorf("created from Default Settings: %s %+v", names, regKeepAlive(vals))
	}
}

// The Windows build converts names to the ANSI code page before escaping,
// as PuTTY escapes ANSI bytes; a Latin-1 codec stands in for it here.
func TestRegistryNameCodec(t *testing.T) {
	r := newFakeRegistry()
	latin1 := NameCodec{
		ToPuTTY: func(s string) string {
			var b []byte
			for _, c := range s {
				b = append(b, byte(c))
			}
			return string(b)
		},
		FromPuTTY: func(s string) string {
			var rs []rune
			for i := 0; i < len(s); i++ {
				rs = append(rs, rune(s[i]))
			}
			return string(rs)
		},
	}
	s := &RegistryStore{Reg: r, Names: latin1}
	session(r, "B%FCcher", dw("PingIntervalSecs", 5))
	got, err := s.Sessions()
	if err != nil || len(got) != 1 || got[0].Name != "Bücher" || got[0].KeepAlive.Interval() != 5 {
		t.Fatalf("sessions: %+v, %v", got, err)
	}
	if _, err := s.SetKeepAlive("Bücher", 10, SetOptions{}); err != nil {
		t.Fatal(err)
	}
	vals, _ := r.Values(regSessions + `\B%FCcher`)
	if regKeepAlive(vals).Interval() != 10 {
		t.Errorf("not written to the ANSI-named key: %+v", r.keys)
	}
}

// KiTTY is one more App: the same store on its own key, listed apart in a
// Joined.
func TestJoinedApps(t *testing.T) {
	r := newFakeRegistry()
	session(r, "box", dw("PingInterval", 1))
	r.SetValues(KiTTY.Key+`\Sessions\box`, []RegValue{sz("HostName", "k")})
	j := &Joined{Parts: []Part{
		{PuTTY, &RegistryStore{Reg: r, App: PuTTY}},
		{KiTTY, &RegistryStore{Reg: r, App: KiTTY}},
	}}
	got, err := j.Sessions()
	if err != nil {
		t.Fatal(err)
	}
	var desc []string
	for _, s := range got {
		desc = append(desc, s.Name+"="+strconv.Itoa(s.KeepAlive.Interval())+"@"+s.Location)
	}
	want := `box=60@HKCU\Software\SimonTatham\PuTTY\Sessions\box|` +
		`kitty: Default Settings=0@HKCU\Software\9bis.com\KiTTY\Sessions\Default%20Settings|` +
		`kitty: box=0@HKCU\Software\9bis.com\KiTTY\Sessions\box`
	if strings.Join(desc, "|") != want {
		t.Errorf("sessions\n got %s\nwant %s", strings.Join(desc, "|"), want)
	}
	ch, err := j.SetKeepAlive("kitty: box", 30, SetOptions{})
	if err != nil || ch.Session != "kitty: box" || ch.Location != `HKCU\Software\9bis.com\KiTTY\Sessions\box` {
		t.Errorf("set kitty: box: %+v, %v", ch, err)
	}
	if vals, _ := r.Values(KiTTY.Key + `\Sessions\box`); regKeepAlive(vals).Interval() != 30 {
		t.Errorf("KiTTY's box: %+v", vals)
	}
	if vals, _ := r.Values(regSessions + `\box`); regKeepAlive(vals).Interval() != 60 {
		t.Errorf("PuTTY's box changed: %+v", vals)
	}
	if _, err := j.Session("kitty: nope"); !errors.Is(err, ErrNoSession) {
		t.Errorf("kitty: nope: %v", err)
	}
	if a, ok := AppNamed("kitty"); !ok || a != KiTTY {
		t.Errorf("AppNamed(kitty) = %v, %v", a, ok)
	}
}

// sorted is a key's values by name, for comparing keys exactly.
func sorted(r *fakeRegistry, key string) []RegValue {
	vals, _ := r.Values(key)
	sort.Slice(vals, func(i, j int) bool { return vals[i].Name < vals[j].Name })
	return vals
}

func sameValues(a, b []RegValue) bool {
	return slices.EqualFunc(a, b, func(x, y RegValue) bool {
		return x.Name == y.Name && x.Type == y.Type && bytes.Equal(x.Data, y.Data)
	})
}

// Undo gives each session back exactly the values it had: absent ones
// deleted again, each with its type, the record gone, and a Default
// Settings keepalive created deleted again.
func TestRegistryUndo(t *testing.T) {
	r := newFakeRegistry()
	s := &RegistryStore{Reg: r}
	orig := map[string][]RegValue{
		"legacy":      {sz("HostName", "old"), dw("PingInterval", 5), dw("PingIntervalSecs", 0)},
		"no%20ping":   {sz("HostName", "np"), dw("TCPNoDelay", 1)},
		"as%20text":   {sz("PingIntervalSecs", "30"), dw("pinginterval", 0)},
		"secs%20only": {dw("PingIntervalSecs", 1)},
	}
	for k, v := range orig {
		session(r, k, v...)
	}
	before := map[string][]RegValue{}
	for k := range orig {
		before[k] = sorted(r, regSessions+`\`+k)
	}
	names := []string{DefaultSettings, "legacy", "no ping", "as text", "secs only"}
	for _, n := range names {
		if _, err := s.SetKeepAlive(n, 45, SetOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if v, _ := r.Values(regSessions + `\legacy`); !sameValues(v[3:], []RegValue{regString(keyRecord, `"5","0",45`)}) {
		t.Errorf("legacy record: %+v", v)
	}
	if v, _ := r.Values(regSessions + `\as%20text`); !sameValues(v[2:], []RegValue{regString(keyRecord, `"0","hex(1):33,00,30,00,00,00",45`)}) {
		t.Errorf("as text record: %+v", v)
	}
	// A second change keeps the first record: undo goes back to the start.
	if _, err := s.SetKeepAlive("legacy", 90, SetOptions{}); err != nil {
		t.Fatal(err)
	}

	// Dry run: the change, nothing written.
	r.writes = 0
	ch, err := s.SetKeepAlive("legacy", 0, SetOptions{Undo: true, DryRun: true})
	if err != nil || !ch.Changed || !ch.Restored || ch.After.Interval() != 300 || r.writes != 0 {
		t.Errorf("dry-run undo: %+v, %v, %d writes", ch, err, r.writes)
	}
	for _, n := range names {
		ch, err := s.SetKeepAlive(n, 0, SetOptions{Undo: true})
		if err != nil || !ch.Changed || !ch.Restored || ch.Kept {
			t.Errorf("undo %s: %+v, %v", n, ch, err)
		}
	}
	for k := range orig {
		if got := sorted(r, regSessions+`\`+k); !sameValues(got, before[k]) {
			t.Errorf("%s after undo:\n%+v\nwas\n%+v", k, got, before[k])
		}
	}
	if ok, _ := r.KeyExists(regSessions + `\Default%20Settings`); ok {
		t.Error("Default Settings keepalive created is still there")
	}
	// Again: nothing to undo.
	r.writes = 0
	for _, n := range names[1:] {
		ch, err := s.SetKeepAlive(n, 0, SetOptions{Undo: true})
		if err != nil || ch.Changed || ch.Restored {
			t.Errorf("second undo %s: %+v, %v", n, ch, err)
		}
	}
	if r.writes != 0 {
		t.Errorf("second undo wrote %d times", r.writes)
	}
	// legacy's 300 s is the user's own: kept, and said so.
	if ch, _ := s.SetKeepAlive("legacy", 0, SetOptions{Undo: true}); !ch.Kept || ch.Why != "not set by keepalive" {
		t.Errorf("user's own value: %+v", ch)
	}

	// Changed since keepalive set it: the user's value stays, the record
	// goes.
	session(r, "edited", dw("PingIntervalSecs", 10))
	s.SetKeepAlive("edited", 60, SetOptions{})
	r.SetValues(regSessions+`\edited`, []RegValue{dw("PingIntervalSecs", 20)})
	ch, err = s.SetKeepAlive("edited", 0, SetOptions{Undo: true})
	if err != nil || !ch.Changed || ch.Restored || !ch.Kept || ch.Why != "changed since keepalive set it" || ch.After.Interval() != 20 {
		t.Errorf("edited: %+v, %v", ch, err)
	}
	if _, ok := find(sorted(r, regSessions+`\edited`), keyRecord); ok {
		t.Error("edited: record left")
	}

	// A Default Settings the user saved stays, with its own values back.
	session(r, "Default%20Settings", sz("HostName", ""))
	s.SetKeepAlive(DefaultSettings, 60, SetOptions{})
	if ch, err := s.SetKeepAlive(DefaultSettings, 0, SetOptions{Undo: true}); err != nil || !ch.Restored {
		t.Errorf("user's Default Settings: %+v, %v", ch, err)
	}
	if got := sorted(r, regSessions+`\Default%20Settings`); !sameValues(got, []RegValue{sz("HostName", "")}) {
		t.Errorf("user's Default Settings after undo: %+v", got)
	}

	// A record that is not keepalive's format: not undone.
	session(r, "garbled", dw("PingIntervalSecs", 60), sz(keyRecord, `"1",x,60`))
	if ch, _ := s.SetKeepAlive("garbled", 0, SetOptions{Undo: true}); ch.Changed || !ch.Kept {
		t.Errorf("garbled record: %+v", ch)
	}

	// --all: off, whoever set it, and no record left.
	s.SetKeepAlive("no ping", 45, SetOptions{})
	if ch, err := s.SetKeepAlive("no ping", 0, SetOptions{}); err != nil || ch.After.Interval() != 0 {
		t.Errorf("off: %+v, %v", ch, err)
	}
	if _, ok := find(sorted(r, regSessions+`\no%20ping`), keyRecord); ok {
		t.Error("off: record left")
	}
}

// Without an interval (Keep) a keep-alive that is on stays as it is.
func TestRegistryKeep(t *testing.T) {
	r := newFakeRegistry()
	s := &RegistryStore{Reg: r}
	session(r, "on", dw("PingInterval", 1))
	session(r, "off", dw("PingIntervalSecs", 0))
	ch, err := s.SetKeepAlive("on", 60, SetOptions{Keep: true})
	if err != nil || ch.Changed || !ch.Kept || ch.Why != "in effect" || ch.After.Interval() != 60 || r.writes != 0 {
		t.Errorf("on: %+v, %v, %d writes", ch, err, r.writes)
	}
	ch, err = s.SetKeepAlive("off", 60, SetOptions{Keep: true})
	if err != nil || !ch.Changed || ch.Kept || ch.After.Interval() != 60 {
		t.Errorf("off: %+v, %v", ch, err)
	}
	if v, _ := find(sorted(r, regSessions+`\off`), keyRecord); stringOf(v.Data) != `-,"0",60` {
		t.Errorf("off: record %q", stringOf(v.Data))
	}
}

func TestRecordValue(t *testing.T) {
	for _, v := range []RegValue{dw("x", 0), dw("x", 0xffffffff), sz("x", "30"), {Name: "x", Type: 11, Data: []byte{1, 2, 3, 4, 5, 6, 7, 8}}, {Name: "x", Type: 3, Data: []byte{}}, {Name: "x", Type: RegDWORD, Data: []byte{1}}} {
		got, ok := parseRecordValue("x", recordValue(v))
		if !ok || !sameValues([]RegValue{got}, []RegValue{v}) {
			t.Errorf("%+v -> %q -> %+v, %v", v, recordValue(v), got, ok)
		}
	}
	for _, bad := range []string{"", "x", "-1", "4294967296", "hex(1):3", "hex(z):00", "hex(1)"} {
		if _, ok := parseRecordValue("x", bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
}

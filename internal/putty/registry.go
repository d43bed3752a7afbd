package putty

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
)

// PuTTY on Windows keeps each session as a registry key under
// HKEY_CURRENT_USER\Software\SimonTatham\PuTTY\Sessions, named by
// EscapeRegistryKey, with a REG_DWORD value per integer setting. A value of
// another type, or a missing one, reads as the default (0 for both
// keep-alive values). KiTTY, a PuTTY fork, keeps the same values the same
// way under its own key; an App says which key.

// Registry paths of PuTTY, relative to HKEY_CURRENT_USER.
const (
	regPuTTY    = `Software\SimonTatham\PuTTY`
	regSessions = regPuTTY + `\Sessions`
)

// App is a program that keeps sessions in the registry as PuTTY does.
type App struct {
	// Name is how keepalive names it to the user ("PuTTY").
	Name string
	// Key is its key under HKEY_CURRENT_USER; sessions are in Key\Sessions.
	Key string
}

// The apps whose sessions keepalive edits.
var (
	PuTTY = App{Name: "PuTTY", Key: regPuTTY}
	// KiTTY in its default (registry) mode. Its portable mode keeps
	// session files in a Sessions folder beside kitty.exe instead, which
	// is not covered.
	KiTTY = App{Name: "KiTTY", Key: `Software\9bis.com\KiTTY`}
)

// Apps lists the apps, PuTTY first.
func Apps() []App { return []App{PuTTY, KiTTY} }

// AppNamed finds an app by name, ignoring case ("kitty").
func AppNamed(name string) (App, bool) {
	for _, a := range Apps() {
		if strings.EqualFold(a.Name, name) {
			return a, true
		}
	}
	return App{}, false
}

// Registry value types (winnt.h) that the store handles itself.
const (
	RegSZ    = 1
	RegDWORD = 4
)

// RegValue is one registry value as stored: raw bytes, so that a session
// can be copied without understanding each type.
type RegValue struct {
	Name string
	Type uint32
	Data []byte
}

// Registry is the part of HKEY_CURRENT_USER that RegistryStore uses; paths
// are relative to it, separated by backslashes. The Windows build talks to
// the real registry; tests use a map.
type Registry interface {
	// KeyExists reports whether the key exists.
	KeyExists(path string) (bool, error)
	// SubKeys lists the names of a key's subkeys; none when it is missing.
	SubKeys(path string) ([]string, error)
	// Values reads all of a key's values; an error wrapping
	// fs.ErrNotExist when the key is missing.
	Values(path string) ([]RegValue, error)
	// SetValues writes values into a key, creating it (and its parents)
	// when missing, and leaves its other values alone.
	SetValues(path string, values []RegValue) error
	// DeleteValues removes values from a key; a missing one is no error.
	DeleteValues(path string, names []string) error
	// DeleteKey removes a key that has no subkeys.
	DeleteKey(path string) error
}

// NameCodec converts session names between the program's UTF-8 and the
// bytes PuTTY escapes, which on Windows are in the ANSI code page.
type NameCodec struct {
	ToPuTTY   func(string) string
	FromPuTTY func(string) string
}

// RegistryStore keeps sessions in the registry, as PuTTY does on Windows.
type RegistryStore struct {
	Reg   Registry
	Names NameCodec // zero: names are used as they are
	// App is whose key holds the sessions; zero means PuTTY.
	App App
}

// root is the app's key.
func (s *RegistryStore) root() string {
	if s.App.Key == "" {
		return regPuTTY
	}
	return s.App.Key
}

func (s *RegistryStore) appName() string {
	if s.App.Name == "" {
		return PuTTY.Name
	}
	return s.App.Name
}

func (s *RegistryStore) sessionsKey() string { return s.root() + `\Sessions` }

// Where is the registry key that holds the sessions.
func (s *RegistryStore) Where() string { return `HKCU\` + s.sessionsKey() }

// Exists reports whether the app's registry key exists.
func (s *RegistryStore) Exists() (bool, error) {
	return s.Reg.KeyExists(s.root())
}

func (s *RegistryStore) key(name string) string {
	if name == "" {
		name = DefaultSettings
	}
	if s.Names.ToPuTTY != nil {
		name = s.Names.ToPuTTY(name)
	}
	return s.sessionsKey() + `\` + EscapeRegistryKey(name)
}

// Sessions lists the session keys. As with files, a key whose name PuTTY
// would not have produced is skipped: PuTTY would load that session from
// another key.
func (s *RegistryStore) Sessions() ([]Session, error) {
	keys, err := s.Reg.SubKeys(s.sessionsKey())
	if err != nil {
		return nil, fmt.Errorf(`HKCU\%s: %w`, s.sessionsKey(), err)
	}
	var out []Session
	for _, k := range keys {
		raw := UnescapeRegistryKey(k)
		if EscapeRegistryKey(raw) != k {
			continue
		}
		name := raw
		if s.Names.FromPuTTY != nil {
			name = s.Names.FromPuTTY(raw)
		}
		sess, err := s.Session(name)
		if err != nil {
			return nil, err
		}
		out = append(out, sess)
	}
	sortSessions(out)
	return out, nil
}

// Session reads one session's keep-alive values.
func (s *RegistryStore) Session(name string) (Session, error) {
	key := s.key(name)
	sess := Session{Name: name, Location: `HKCU\` + key}
	ok, err := s.Reg.KeyExists(key)
	if err != nil {
		return sess, fmt.Errorf(`HKCU\%s: %w`, key, err)
	}
	if !ok {
		if name == DefaultSettings {
			return sess, nil
		}
		return sess, fmt.Errorf("%q: %w", name, ErrNoSession)
	}
	vals, err := s.Reg.Values(key)
	if err != nil {
		return sess, fmt.Errorf(`HKCU\%s: %w`, key, err)
	}
	sess.Saved = true
	sess.KeepAlive = regKeepAlive(vals)
	return sess, nil
}

// regKeepAlive reads the two values as PuTTY's read_setting_i does: only a
// four-byte REG_DWORD counts, taken as a signed C int.
func regKeepAlive(vals []RegValue) KeepAlive {
	var k KeepAlive
	for _, v := range vals {
		if v.Type != RegDWORD || len(v.Data) != 4 {
			continue
		}
		// Value names are case-insensitive in the registry.
		n := int(int32(binary.LittleEndian.Uint32(v.Data)))
		switch {
		case strings.EqualFold(v.Name, keyMinutes):
			k.Minutes = n
		case strings.EqualFold(v.Name, keySeconds):
			k.Seconds = n
		}
	}
	return k
}

// SetKeepAlive writes PingInterval=0 and PingIntervalSecs=seconds as
// DWORDs, unless PuTTY already reads that interval, and records what they
// were in a KeepaliveWas REG_SZ value of the session key, in the format of
// the file store (see keyRecord; a value is written as in recordValue). A
// session created with opts.Create first gets a copy of Default Settings'
// values. opts.Keep and opts.Undo are as for the file store: Undo puts the
// recorded values back exactly (a value that was absent is deleted again,
// each with its type) and deletes a Default Settings key left empty, which
// keepalive created.
func (s *RegistryStore) SetKeepAlive(name string, seconds int, opts SetOptions) (Change, error) {
	key := s.key(name)
	ch := Change{Session: name, Location: `HKCU\` + key, App: s.appName()}
	saved, err := s.Reg.KeyExists(key)
	if err != nil {
		return ch, fmt.Errorf(`HKCU\%s: %w`, key, err)
	}
	var old, seed []RegValue
	switch {
	case saved:
		if old, err = s.Reg.Values(key); err != nil {
			return ch, fmt.Errorf(`HKCU\%s: %w`, key, err)
		}
	case name == DefaultSettings:
		// Absent, it means PuTTY's built-in keep-alive (off).
	case !opts.Create:
		return ch, fmt.Errorf("%q: %w", name, ErrNoSession)
	default:
		// Seed from Default Settings, as PuTTY's dialog does.
		dk := s.key(DefaultSettings)
		ok, err := s.Reg.KeyExists(dk)
		if err != nil {
			return ch, fmt.Errorf(`HKCU\%s: %w`, dk, err)
		}
		if ok {
			if seed, err = s.Reg.Values(dk); err != nil {
				return ch, fmt.Errorf(`HKCU\%s: %w`, dk, err)
			}
		}
	}
	ch.Before = regKeepAlive(old)
	base := old
	if !saved {
		base = seed
	}
	cur := regKeepAlive(base)
	var vals []RegValue // set over base
	var del []string    // deleted from base
	switch {
	case opts.Undo:
		var st int
		vals, del, st = regUndo(base)
		ch.Restored = st == undoRestored
		if st != undoRestored && cur.Interval() != 0 {
			ch.Kept, ch.Why = true, "not set by keepalive"
			if st == undoEdited {
				ch.Why = "changed since keepalive set it"
			}
		}
	case opts.Keep && cur.Interval() != 0:
		ch.Kept, ch.Why = true, "in effect"
	case seconds == 0: // off, whoever set it (disable --all): no record to keep
		if cur.Interval() != 0 {
			vals = []RegValue{dword(keyMinutes, 0), dword(keySeconds, 0)}
		}
		del = present(base, keyRecord)
	case cur.Interval() != seconds:
		rec, ok := regRecord(base)
		if !ok || rec.set != cur.Interval() {
			// None, or the session changed since: what it has now.
			rec = record{}
			if v, ok := find(base, keyMinutes); ok {
				rec.minutes, rec.hasMinutes = recordValue(v), true
			}
			if v, ok := find(base, keySeconds); ok {
				rec.seconds, rec.hasSeconds = recordValue(v), true
			}
		}
		rec.set = seconds
		vals = []RegValue{dword(keyMinutes, 0), dword(keySeconds, seconds), regString(keyRecord, rec.String())}
	}
	if !saved {
		del = nil
	}
	for i, v := range vals {
		// A value the key has keeps its name as the key spells it.
		if o, ok := find(base, v.Name); ok {
			vals[i].Name = o.Name
		}
	}
	ch.Changed = len(vals) > 0 || len(del) > 0 || (!saved && name != DefaultSettings)
	ch.Created = ch.Changed && !saved
	if !ch.Changed {
		ch.After = ch.Before
		return ch, nil
	}
	if !saved {
		// The copy of Default Settings, without its keep-alive values when
		// they are replaced.
		var copied []RegValue
		for _, v := range seed {
			if len(vals) == 0 || !slices.ContainsFunc(vals, func(n RegValue) bool { return strings.EqualFold(v.Name, n.Name) }) {
				copied = append(copied, v)
			}
		}
		vals = append(copied, vals...)
	}
	newVals := deleteValues(mergeValues(old, vals), del)
	ch.After = regKeepAlive(newVals)
	if saved {
		ch.OldText = regText(key, old)
	}
	// A Default Settings that held only what keepalive wrote was created by
	// keepalive: gone again, as before (PuTTY reads a missing one as its
	// built-in defaults).
	drop := opts.Undo && ch.Restored && name == DefaultSettings && len(newVals) == 0
	if drop {
		subs, err := s.Reg.SubKeys(key)
		if err != nil {
			return ch, fmt.Errorf(`HKCU\%s: %w`, key, err)
		}
		drop = len(subs) == 0
	}
	if !drop {
		ch.NewText = regText(key, newVals)
	}
	if opts.DryRun {
		return ch, nil
	}
	if drop {
		if err := s.Reg.DeleteKey(key); err != nil {
			return ch, fmt.Errorf(`HKCU\%s: %w`, key, err)
		}
		return ch, nil
	}
	if len(vals) > 0 || !saved {
		if err := s.Reg.SetValues(key, vals); err != nil {
			return ch, fmt.Errorf(`HKCU\%s: %w`, key, err)
		}
	}
	if len(del) > 0 {
		if err := s.Reg.DeleteValues(key, del); err != nil {
			return ch, fmt.Errorf(`HKCU\%s: %w`, key, err)
		}
	}
	return ch, nil
}

// regRecord reads a session key's KeepaliveWas record: a REG_SZ in the
// file store's format whose values recordValue wrote.
func regRecord(vals []RegValue) (record, bool) {
	v, ok := find(vals, keyRecord)
	if !ok || v.Type != RegSZ {
		return record{}, false
	}
	rec, ok := parseRecord(stringOf(v.Data))
	if !ok {
		return record{}, false
	}
	for _, f := range []struct {
		has bool
		v   string
	}{{rec.hasMinutes, rec.minutes}, {rec.hasSeconds, rec.seconds}} {
		if _, ok := parseRecordValue("", f.v); f.has && !ok {
			return record{}, false
		}
	}
	return rec, true
}

// regUndo returns the values to set and delete to put back what
// KeepaliveWas recorded, when the session still has the keep-alive
// keepalive set, and to remove the record.
func regUndo(vals []RegValue) ([]RegValue, []string, int) {
	rec, ok := regRecord(vals)
	if !ok {
		return nil, nil, undoNone
	}
	if regKeepAlive(vals).Interval() != rec.set {
		return nil, []string{keyRecord}, undoEdited
	}
	var set []RegValue
	del := []string{keyRecord}
	for _, k := range []struct {
		key, v string
		has    bool
	}{{keyMinutes, rec.minutes, rec.hasMinutes}, {keySeconds, rec.seconds, rec.hasSeconds}} {
		if !k.has {
			del = append(del, present(vals, k.key)...)
			continue
		}
		v, _ := parseRecordValue(k.key, k.v)
		if cur, ok := find(vals, k.key); !ok || cur.Type != v.Type || string(cur.Data) != string(v.Data) {
			set = append(set, v)
		}
	}
	return set, del, undoRestored
}

// recordValue is how KeepaliveWas holds a registry value: a REG_DWORD as
// its number ("5"), any other type as a .reg file writes it,
// "hex(TYPE):BYTES" ("hex(1):33,00,30,00,00,00" for the string "30"), so
// that undo gives back the type too.
func recordValue(v RegValue) string {
	if v.Type == RegDWORD && len(v.Data) == 4 {
		return strconv.FormatUint(uint64(binary.LittleEndian.Uint32(v.Data)), 10)
	}
	return fmt.Sprintf("hex(%x):%s", v.Type, hexBytes(v.Data))
}

// parseRecordValue reads what recordValue wrote, as the value name.
func parseRecordValue(name, s string) (RegValue, bool) {
	rest, ok := strings.CutPrefix(s, "hex(")
	if !ok {
		n, err := strconv.ParseUint(s, 10, 32)
		if err != nil {
			return RegValue{}, false
		}
		return dword(name, int(int32(uint32(n)))), true
	}
	typ, data, ok := strings.Cut(rest, "):")
	t, err := strconv.ParseUint(typ, 16, 32)
	if !ok || err != nil {
		return RegValue{}, false
	}
	v := RegValue{Name: name, Type: uint32(t), Data: []byte{}}
	if data == "" {
		return v, true
	}
	for _, h := range strings.Split(data, ",") {
		b, err := strconv.ParseUint(h, 16, 8)
		if err != nil || len(h) != 2 {
			return RegValue{}, false
		}
		v.Data = append(v.Data, byte(b))
	}
	return v, true
}

// find returns the value called name (names are case-insensitive).
func find(vals []RegValue, name string) (RegValue, bool) {
	i := slices.IndexFunc(vals, func(v RegValue) bool { return strings.EqualFold(v.Name, name) })
	if i < 0 {
		return RegValue{}, false
	}
	return vals[i], true
}

// present is name as the key spells it, when the key has it: the names
// to delete.
func present(vals []RegValue, name string) []string {
	if v, ok := find(vals, name); ok {
		return []string{v.Name}
	}
	return nil
}

// deleteValues is vals without the values named, as DeleteValues does.
func deleteValues(vals []RegValue, names []string) []RegValue {
	return slices.DeleteFunc(vals, func(v RegValue) bool {
		return slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(v.Name, n) })
	})
}

// regString is a REG_SZ value: UTF-16LE with its terminating NUL.
func regString(name, s string) RegValue {
	var b []byte
	for _, u := range utf16.Encode([]rune(s + "\x00")) {
		b = binary.LittleEndian.AppendUint16(b, u)
	}
	return RegValue{Name: name, Type: RegSZ, Data: b}
}

// stringOf reads REG_SZ data, up to the first NUL.
func stringOf(data []byte) string {
	u := make([]uint16, 0, len(data)/2)
	for i := 0; i+1 < len(data); i += 2 {
		c := binary.LittleEndian.Uint16(data[i:])
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	return string(utf16.Decode(u))
}

func hexBytes(data []byte) string {
	hex := make([]string, len(data))
	for j, c := range data {
		hex[j] = fmt.Sprintf("%02x", c)
	}
	return strings.Join(hex, ",")
}

// mergeValues is old with vals set over it, as SetValues does.
func mergeValues(old, vals []RegValue) []RegValue {
	out := append([]RegValue(nil), old...)
	for _, v := range vals {
		i := slices.IndexFunc(out, func(o RegValue) bool { return strings.EqualFold(o.Name, v.Name) })
		if i >= 0 {
			out[i] = v
		} else {
			out = append(out, v)
		}
	}
	return out
}

func dword(name string, n int) RegValue {
	return RegValue{Name: name, Type: RegDWORD, Data: binary.LittleEndian.AppendUint32(nil, uint32(int32(n)))}
}

// regText shows a session key's keep-alive values in the syntax of a .reg
// file, which Windows users know from regedit, for dry-run diffs.
func regText(key string, vals []RegValue) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "[HKEY_CURRENT_USER\\%s]\n", key)
	for _, name := range []string{keyMinutes, keySeconds, keyRecord} {
		v, ok := find(vals, name)
		switch {
		case !ok:
		case v.Type == RegDWORD && len(v.Data) == 4:
			fmt.Fprintf(&b, "%q=dword:%08x\n", v.Name, binary.LittleEndian.Uint32(v.Data))
		case v.Type == RegSZ:
			// .reg escapes only backslash and quote.
			fmt.Fprintf(&b, "%q=\"%s\"\n", v.Name, strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(stringOf(v.Data)))
		default:
			fmt.Fprintf(&b, "%q=hex(%x):%s\n", v.Name, v.Type, hexBytes(v.Data))
		}
	}
	return []byte(b.String())
}

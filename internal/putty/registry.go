package putty

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
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
// DWORDs, unless PuTTY already reads that interval. A session created with
// opts.Create first gets a copy of Default Settings' values.
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
	var vals []RegValue
	if current := regKeepAlive(base); current.Interval() != seconds {
		vals = []RegValue{dword(keyMinutes, 0), dword(keySeconds, seconds)}
	}
	ch.Changed = len(vals) > 0 || (!saved && name != DefaultSettings)
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
			if len(vals) == 0 || !(strings.EqualFold(v.Name, keyMinutes) || strings.EqualFold(v.Name, keySeconds)) {
				copied = append(copied, v)
			}
		}
		vals = append(copied, vals...)
	}
	newVals := mergeValues(old, vals)
	ch.After = regKeepAlive(newVals)
	if saved {
		ch.OldText = regText(key, old)
	}
	ch.NewText = regText(key, newVals)
	if opts.DryRun {
		return ch, nil
	}
	if err := s.Reg.SetValues(key, vals); err != nil {
		return ch, fmt.Errorf(`HKCU\%s: %w`, key, err)
	}
	return ch, nil
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
	for _, name := range []string{keyMinutes, keySeconds} {
		i := slices.IndexFunc(vals, func(v RegValue) bool { return strings.EqualFold(v.Name, name) })
		if i < 0 {
			continue
		}
		v := vals[i]
		if v.Type == RegDWORD && len(v.Data) == 4 {
			fmt.Fprintf(&b, "%q=dword:%08x\n", v.Name, binary.LittleEndian.Uint32(v.Data))
			continue
		}
		hex := make([]string, len(v.Data))
		for j, c := range v.Data {
			hex[j] = fmt.Sprintf("%02x", c)
		}
		fmt.Fprintf(&b, "%q=hex(%x):%s\n", v.Name, v.Type, strings.Join(hex, ","))
	}
	return []byte(b.String())
}

//go:build windows

package putty

import (
	"errors"
	"fmt"
	"io/fs"
	"unicode/utf16"
	"unsafe"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"
)

// DefaultStore is where the current user's sessions are: PuTTY's registry
// key, and KiTTY's too when it exists (then both, as a Joined, KiTTY's
// listed apart). Session names are in the ANSI code page, as PuTTY uses
// them.
func DefaultStore() (Store, error) {
	var parts []Part
	for _, app := range Apps() {
		s := appStore(app)
		ok, err := s.Exists()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.Where(), err)
		}
		if ok {
			parts = append(parts, Part{App: app, Store: s})
		}
	}
	switch len(parts) {
	case 0:
		return appStore(PuTTY), nil
	case 1:
		return parts[0].Store, nil
	}
	return &Joined{Parts: parts}, nil
}

// AppStore is the store of one app, named as --app names it ("kitty").
func AppStore(name string) (Store, error) {
	app, ok := AppNamed(name)
	if !ok {
		return nil, fmt.Errorf("unknown app %q: want putty or kitty", name)
	}
	return appStore(app), nil
}

func appStore(app App) *RegistryStore {
	return &RegistryStore{Reg: winRegistry{}, Names: ansiNames(), App: app}
}

// winRegistry is Registry on HKEY_CURRENT_USER.
type winRegistry struct{}

func (winRegistry) KeyExists(path string) (bool, error) {
	k, err := registry.OpenKey(registry.CURRENT_USER, path, registry.QUERY_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	k.Close()
	return true, nil
}

func (winRegistry) SubKeys(path string) ([]string, error) {
	k, err := registry.OpenKey(registry.CURRENT_USER, path, registry.ENUMERATE_SUB_KEYS)
	if errors.Is(err, registry.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer k.Close()
	return k.ReadSubKeyNames(-1)
}

func (winRegistry) Values(path string) ([]RegValue, error) {
	k, err := registry.OpenKey(registry.CURRENT_USER, path, registry.QUERY_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return nil, fs.ErrNotExist
	}
	if err != nil {
		return nil, err
	}
	defer k.Close()
	names, err := k.ReadValueNames(-1)
	if err != nil {
		return nil, err
	}
	vals := make([]RegValue, 0, len(names))
	for _, name := range names {
		data, typ, err := rawValue(k, name)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		vals = append(vals, RegValue{Name: name, Type: typ, Data: data})
	}
	return vals, nil
}

// rawValue reads a value's bytes, asking again if it grew in between.
func rawValue(k registry.Key, name string) ([]byte, uint32, error) {
	n, _, err := k.GetValue(name, nil)
	for {
		if err != nil {
			return nil, 0, err
		}
		buf := make([]byte, n)
		var typ uint32
		n, typ, err = k.GetValue(name, buf)
		if errors.Is(err, registry.ErrShortBuffer) {
			err = nil
			continue
		}
		return buf[:n], typ, err
	}
}

func (winRegistry) SetValues(path string, vals []RegValue) error {
	k, _, err := registry.CreateKey(registry.CURRENT_USER, path, registry.SET_VALUE)
	if err != nil {
		return err
	}
	defer k.Close()
	for _, v := range vals {
		if err := setRaw(k, v); err != nil {
			return fmt.Errorf("%s: %w", v.Name, err)
		}
	}
	return nil
}

func (winRegistry) DeleteValues(path string, names []string) error {
	k, err := registry.OpenKey(registry.CURRENT_USER, path, registry.SET_VALUE)
	if err != nil {
		return err
	}
	defer k.Close()
	for _, name := range names {
		if err := k.DeleteValue(name); err != nil && !errors.Is(err, registry.ErrNotExist) {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

func (winRegistry) DeleteKey(path string) error {
	return registry.DeleteKey(registry.CURRENT_USER, path)
}

// setRaw writes a value's bytes with its type, whatever the type (QWORD,
// MULTI_SZ, one a later PuTTY invents, or malformed data): copying Default
// Settings into a new session must not change any value on the way.
// x/sys/windows/registry has a setter per type only.
func setRaw(k registry.Key, v RegValue) error {
	name, err := windows.UTF16PtrFromString(v.Name)
	if err != nil {
		return err
	}
	var buf *byte
	if len(v.Data) > 0 {
		buf = &v.Data[0]
	}
	r, _, _ := procRegSetValueExW.Call(uintptr(k), uintptr(unsafe.Pointer(name)), 0,
		uintptr(v.Type), uintptr(unsafe.Pointer(buf)), uintptr(len(v.Data)))
	if r != 0 {
		return windows.Errno(r)
	}
	return nil
}

var procRegSetValueExW = windows.NewLazySystemDLL("advapi32.dll").NewProc("RegSetValueExW")

// ansiNames converts session names between UTF-8 and the ANSI code page,
// which is what PuTTY escapes into key names: "Bücher" is B%FCcher on a
// Western European system, not B%C3%BCcher.
func ansiNames() NameCodec {
	return NameCodec{ToPuTTY: toANSI, FromPuTTY: fromANSI}
}

var procWideCharToMultiByte = windows.NewLazySystemDLL("kernel32.dll").NewProc("WideCharToMultiByte")

func toANSI(s string) string {
	w := utf16.Encode([]rune(s))
	if len(w) == 0 {
		return s
	}
	buf := make([]byte, 4*len(w))
	n, _, _ := procWideCharToMultiByte.Call(cpACP, 0,
		uintptr(unsafe.Pointer(&w[0])), uintptr(len(w)),
		uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)), 0, 0)
	if n == 0 {
		return s
	}
	return string(buf[:n])
}

func fromANSI(s string) string {
	if s == "" {
		return s
	}
	b := []byte(s)
	w := make([]uint16, len(b))
	n, err := windows.MultiByteToWideChar(cpACP, 0, &b[0], int32(len(b)), &w[0], int32(len(w)))
	if err != nil || n == 0 {
		return s
	}
	return string(utf16.Decode(w[:n]))
}

// cpACP is CP_ACP, the system's ANSI code page (winnls.h).
const cpACP = 0

//go:build windows

package putty

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"unicode/utf16"
	"unsafe"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"
)

// DefaultStore is where PuTTY keeps the current user's sessions: the
// registry, with session names in the ANSI code page as PuTTY uses them.
func DefaultStore() (Store, error) {
	return &RegistryStore{Reg: winRegistry{}, Names: ansiNames()}, nil
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

// setRaw writes a value of any type PuTTY (or a user) may have put in a
// session; x/sys/windows/registry has a setter per type only.
func setRaw(k registry.Key, v RegValue) error {
	switch v.Type {
	case registry.DWORD:
		if len(v.Data) == 4 {
			return k.SetDWordValue(v.Name, uint32(v.Data[0])|uint32(v.Data[1])<<8|uint32(v.Data[2])<<16|uint32(v.Data[3])<<24)
		}
	case registry.SZ:
		return k.SetStringValue(v.Name, utf16String(v.Data))
	case registry.EXPAND_SZ:
		return k.SetExpandStringValue(v.Name, utf16String(v.Data))
	case registry.MULTI_SZ:
		s := strings.TrimRight(utf16String(v.Data), "\x00")
		var parts []string
		if s != "" {
			parts = strings.Split(s, "\x00")
		}
		return k.SetStringsValue(v.Name, parts)
	case registry.BINARY:
		return k.SetBinaryValue(v.Name, v.Data)
	}
	return k.SetBinaryValue(v.Name, v.Data) // unknown or malformed: keep the bytes
}

// utf16String decodes a registry string's little-endian UTF-16 up to its
// terminating NUL (the terminator of a MULTI_SZ's last string excepted).
func utf16String(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
	}
	for len(u) > 0 && u[len(u)-1] == 0 {
		u = u[:len(u)-1]
	}
	return string(utf16.Decode(u))
}

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

//go:build linux

package winetest

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

const (
	puttyKey = `HKEY_CURRENT_USER\Software\SimonTatham`
	kittyKey = `HKEY_CURRENT_USER\Software\9bis.com`
	puttySes = puttyKey + `\PuTTY\Sessions`
	kittySes = kittyKey + `\KiTTY\Sessions`
)

// puttySessions are saved as PuTTY saves them, plus values of every type a
// session may hold, a legacy PingInterval in minutes, a session without
// keep-alive values and a name PuTTY escapes.
const puttySessions = `[HKEY_CURRENT_USER\Software\SimonTatham\PuTTY\Sessions\my%20server]
"HostName"="box.example"
"PortNumber"=dword:00000016
"PingInterval"=dword:00000000
"PingIntervalSecs"=dword:0000001e
"Colour0"="187,187,187"
"Blob"=hex:00,01,fe
"Environment"=hex(7):41,00,3d,00,31,00,00,00,00,00
"LogFileName"=hex(2):25,00,55,00,00,00

[HKEY_CURRENT_USER\Software\SimonTatham\PuTTY\Sessions\legacy]
"HostName"="old.example"
"PingInterval"=dword:00000005
"PingIntervalSecs"=dword:00000000

[HKEY_CURRENT_USER\Software\SimonTatham\PuTTY\Sessions\no%20ping]
"HostName"="np.example"
"TCPNoDelay"=dword:00000001

[HKEY_CURRENT_USER\Software\SimonTatham\PuTTY\Sessions\%2Edot%5Cback%25]
"PingIntervalSecs"=dword:00000001

`

func resetRegistry(m *machine) {
	m.regDelete(puttyKey)
	m.regDelete(kittyKey)
}

// keepAliveOf is a session key's two values as reg query shows them.
func keepAliveOf(k map[string]string) string {
	return k["PingInterval"] + " / " + k["PingIntervalSecs"]
}

// intervalOf is the keep-alive PuTTY reads from a session key's values as
// reg query shows them: minutes*60 + seconds, a missing or non-DWORD
// value counting 0.
func intervalOf(t *testing.T, k map[string]string) int {
	t.Helper()
	n := 0
	for name, mult := range map[string]int{"PingInterval": 60, "PingIntervalSecs": 1} {
		hex, ok := strings.CutPrefix(k[name], "REG_DWORD 0x")
		if !ok {
			continue
		}
		v, err := strconv.ParseUint(hex, 16, 32)
		if err != nil {
			t.Fatalf("%s = %q", name, k[name])
		}
		n += int(int32(v)) * mult
	}
	return n
}

// othersEqual reports the values, other than the keep-alive and
// keepalive's record of it (KeepaliveWas), that differ.
func othersEqual(t *testing.T, before, after regKeys) {
	t.Helper()
	for key, vals := range before {
		for name, v := range vals {
			if name == "PingInterval" || name == "PingIntervalSecs" {
				continue
			}
			if after[key][name] != v {
				t.Errorf("%s\\%s is %q, was %q", key, name, after[key][name], v)
			}
		}
		for name := range after[key] {
			if _, ok := vals[name]; !ok && name != "PingInterval" && name != "PingIntervalSecs" && name != "KeepaliveWas" {
				t.Errorf("%s\\%s appeared", key, name)
			}
		}
	}
}

// sameKeys reports every difference between two reg query readings: keys
// and values, type and data.
func sameKeys(t *testing.T, what string, want, got regKeys) {
	t.Helper()
	for key, vals := range want {
		if _, ok := got[key]; !ok {
			t.Errorf("%s: %s is gone", what, key)
			continue
		}
		for name, v := range vals {
			if got[key][name] != v {
				t.Errorf("%s: %s\\%s is %q, was %q", what, key, name, got[key][name], v)
			}
		}
		for name, v := range got[key] {
			if _, ok := vals[name]; !ok {
				t.Errorf("%s: %s\\%s = %q appeared", what, key, name, v)
			}
		}
	}
	for key := range got {
		if _, ok := want[key]; !ok {
			t.Errorf("%s: %s appeared: %v", what, key, got[key])
		}
	}
}

// test that keepalive.exe putty sets both values in Wine's real registry,
// reads PingInterval as minutes, creates Default Settings, touches nothing
// else, and that disable --putty gives each session back exactly the
// values it had (legacy its PingInterval in minutes, no ping none at all)
// and deletes the Default Settings it created, checked with wine reg query.
func TestPuttyRegistryUnderWine(t *testing.T) {
	m := wineMachine(t)
	resetRegistry(m)
	m.regImport(t, puttySessions)
	before := m.regQuery(t, puttySes)
	if len(before) != 4 {
		t.Fatalf("reg import made %d keys: %v", len(before), before)
	}

	// Without --interval a keep-alive that is on stays as it is; disable
	// then gives back exactly what was there.
	r := m.must(t, "putty")
	mustContain(t, "putty", r.stdout,
		`kept PuTTY session "my server" keep-alive 30s (HKCU\Software\SimonTatham\PuTTY\Sessions\my%20server); pass --interval to change it`,
		`kept PuTTY session "legacy" keep-alive 300s`,
		`PuTTY session "no ping" keep-alive 60s (was off)`)
	kept := m.regQuery(t, puttySes)
	for _, k := range []string{`\my%20server`, `\legacy`, `\%2Edot%5Cback%25`} {
		sameKeys(t, "putty without --interval", regKeys{puttySes + k: before[puttySes+k]}, regKeys{puttySes + k: kept[puttySes+k]})
	}
	if got := kept[puttySes+`\no%20ping`]["KeepaliveWas"]; got != `REG_SZ -,-,60` {
		t.Errorf("no ping's record: %q", got)
	}
	m.must(t, "disable", "--putty")
	sameKeys(t, "putty then disable --putty", before, m.regQuery(t, puttySes))

	r = m.must(t, "putty", "--list")
	mustContain(t, "putty --list", r.stdout,
		"legacy            300s (PingInterval 5 min + PingIntervalSecs 0)",
		`.dot\back%`,
		"not saved: PuTTY's built-in defaults")

	// 300 s is what legacy already has, in minutes: nothing to write.
	r = m.must(t, "putty", "--session", "legacy", "--interval", "300")
	mustContain(t, "putty --session legacy", r.stdout, "already set")
	if got := keepAliveOf(m.regQuery(t, puttySes)[puttySes+`\legacy`]); got != "REG_DWORD 0x5 / REG_DWORD 0x0" {
		t.Errorf("legacy after a no-op: %s", got)
	}

	r = m.must(t, "putty", "--interval", "45")
	mustContain(t, "putty --interval 45", r.stdout,
		`created HKCU\Software\SimonTatham\PuTTY\Sessions\Default%20Settings`,
		`PuTTY session "legacy" keep-alive 45s (was 300s)`,
		`PuTTY session "no ping" keep-alive 45s (was off)`,
		`PuTTY session ".dot\\back%" keep-alive 45s (was 1s)`)
	after := m.regQuery(t, puttySes)
	for _, k := range []string{`\my%20server`, `\legacy`, `\no%20ping`, `\%2Edot%5Cback%25`, `\Default%20Settings`} {
		if got := keepAliveOf(after[puttySes+k]); got != "REG_DWORD 0x0 / REG_DWORD 0x2d" {
			t.Errorf("%s: %s, want 0 min + 45 s", k, got)
		}
	}
	if n := len(after[puttySes+`\Default%20Settings`]); n != 3 {
		t.Errorf("Default Settings holds %d values, want the 2 keep-alive ones and KeepaliveWas: %v", n, after[puttySes+`\Default%20Settings`])
	}
	for k, want := range map[string]string{`\my%20server`: `"0","30",45`, `\legacy`: `"5","0",45`, `\no%20ping`: `-,-,45`, `\%2Edot%5Cback%25`: `-,"1",45`} {
		if got := after[puttySes+k]["KeepaliveWas"]; got != "REG_SZ "+want {
			t.Errorf("%s: KeepaliveWas %q, want %s", k, got, want)
		}
	}
	othersEqual(t, before, after)

	// Again: nothing changes.
	r = m.must(t, "putty", "--interval", "45")
	mustContain(t, "second run", r.stdout, "already set: PuTTY keep-alive 45s in 5 sessions")

	// disable --putty reports each session's value before and after; the
	// registry must hold what it reports.
	r = m.must(t, "disable", "--putty", "--json")
	var undone struct {
		Sessions []struct {
			Session, Location string
			Before, After     int
			Restored          bool
		} `json:"sessions"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &undone); err != nil {
		t.Fatalf("disable --putty --json: %v\n%s", err, r.stdout)
	}
	if len(undone.Sessions) != 5 {
		t.Errorf("disable --putty reported %d sessions, want 5", len(undone.Sessions))
	}
	off := m.regQuery(t, puttySes)
	for _, s := range undone.Sessions {
		key := strings.Replace(s.Location, `HKCU\`, `HKEY_CURRENT_USER\`, 1)
		if got := intervalOf(t, off[key]); s.Before != 45 || got != s.After || !s.Restored || s.After != intervalOf(t, before[key]) {
			t.Errorf("disable: %s reported %d -> %d (restored %v); the registry has %d (%s), had %d", s.Session, s.Before, s.After, s.Restored, got, keepAliveOf(off[key]), intervalOf(t, before[key]))
		}
	}
	// Each session's previous values, exactly: legacy 5 minutes, no ping
	// neither value, and no Default Settings.
	sameKeys(t, "disable --putty", before, off)
	for k, want := range map[string]string{`\my%20server`: "REG_DWORD 0x0 / REG_DWORD 0x1e", `\legacy`: "REG_DWORD 0x5 / REG_DWORD 0x0", `\no%20ping`: " / ", `\%2Edot%5Cback%25`: " / REG_DWORD 0x1"} {
		if got := keepAliveOf(off[puttySes+k]); got != want {
			t.Errorf("disable: %s has %q, want %q", k, got, want)
		}
	}
	// Again: nothing of keepalive's left to undo; the values are the user's.
	r = m.must(t, "disable", "--putty")
	mustContain(t, "second disable --putty", r.stdout, `legacy kept: not set by keepalive (PuTTY session "legacy" keep-alive 300s)`)
	sameKeys(t, "second disable --putty", before, m.regQuery(t, puttySes))

	// show --json reports each session's value and its key.
	m.must(t, "putty", "--session", "my server", "--interval", "90")
	r = m.must(t, "show", "--json")
	var shown struct {
		Putty []struct {
			Session string `json:"session"`
			Value   int    `json:"value"`
			Source  string `json:"source"`
		} `json:"putty"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &shown); err != nil {
		t.Fatalf("show --json: %v\n%s", err, r.stdout)
	}
	found := false
	for _, p := range shown.Putty {
		if p.Session == "my server" {
			found = true
			if p.Value != 90 || p.Source != `HKCU\Software\SimonTatham\PuTTY\Sessions\my%20server` {
				t.Errorf("show: my server = %+v", p)
			}
		}
	}
	if !found || len(shown.Putty) != 4 { // Default Settings: gone with disable
		t.Errorf("show --json putty = %+v", shown.Putty)
	}
}

const kittySessions = `[HKEY_CURRENT_USER\Software\SimonTatham\PuTTY\Sessions\box]
"HostName"="p.example"
"PingIntervalSecs"=dword:0000000a

[HKEY_CURRENT_USER\Software\9bis.com\KiTTY\Sessions\box]
"HostName"="k.example"
"PingInterval"=dword:00000002
"PingIntervalSecs"=dword:00000000
"Folder"="Default"

[HKEY_CURRENT_USER\Software\9bis.com\KiTTY\Sessions\Default%20Settings]
"HostName"=""
"PingIntervalSecs"=dword:00000000

`

// test that KiTTY's sessions are listed apart ("kitty: box"), edited with
// PuTTY's, and picked alone with --app.
func TestKiTTYUnderWine(t *testing.T) {
	m := wineMachine(t)
	resetRegistry(m)
	m.regImport(t, kittySessions)
	before := m.regQuery(t, kittySes)

	r := m.must(t, "putty", "--list")
	mustContain(t, "putty --list", r.stdout,
		"kitty: box  ", `HKCU\Software\9bis.com\KiTTY\Sessions\box`,
		"kitty: Default Settings", `HKCU\Software\SimonTatham\PuTTY\Sessions\box`)

	r = m.must(t, "__complete", "putty", "--session", "")
	mustContain(t, "completion", r.stdout, "box\tkeep-alive 10 s", "kitty: box\tkeep-alive 120 s")

	r = m.must(t, "putty", "--app", "kitty", "--interval", "60")
	mustContain(t, "putty --app kitty", r.stdout, `changed HKCU\Software\9bis.com\KiTTY\Sessions\box: KiTTY session "box" keep-alive 60s (was 120s)`)
	if strings.Contains(r.stdout, "SimonTatham") {
		t.Errorf("--app kitty touched PuTTY:\n%s", r.stdout)
	}
	if got := keepAliveOf(m.regQuery(t, puttySes)[puttySes+`\box`]); got != " / REG_DWORD 0xa" {
		t.Errorf("PuTTY's box after --app kitty: %s", got)
	}
	k := m.regQuery(t, kittySes)
	for _, s := range []string{`\box`, `\Default%20Settings`} {
		if got := keepAliveOf(k[kittySes+s]); got != "REG_DWORD 0x0 / REG_DWORD 0x3c" {
			t.Errorf("KiTTY %s: %s", s, got)
		}
	}
	othersEqual(t, before, k)

	r = m.must(t, "putty", "--interval", "30")
	mustContain(t, "putty", r.stdout, `PuTTY session "box" keep-alive 30s (was 10s)`, `KiTTY session "kitty: box" keep-alive 30s (was 60s)`)
	if got := keepAliveOf(m.regQuery(t, kittySes)[kittySes+`\box`]); got != "REG_DWORD 0x0 / REG_DWORD 0x1e" {
		t.Errorf("KiTTY's box: %s", got)
	}

	r = m.must(t, "disable", "--putty", "--session", "kitty: box")
	mustContain(t, "disable --putty --session 'kitty: box'", r.stdout, `changed HKCU\Software\9bis.com\KiTTY\Sessions\box: KiTTY session "kitty: box" keep-alive restored to 120s (was 30s)`)
	sameKeys(t, "disable --putty --session 'kitty: box'", regKeys{kittySes + `\box`: before[kittySes+`\box`]}, regKeys{kittySes + `\box`: m.regQuery(t, kittySes)[kittySes+`\box`]})
	if got := keepAliveOf(m.regQuery(t, puttySes)[puttySes+`\box`]); got != "REG_DWORD 0x0 / REG_DWORD 0x1e" {
		t.Errorf("PuTTY's box after disabling KiTTY's: %s", got)
	}

	r = m.must(t, "show", "--json")
	mustContain(t, "show --json", r.stdout, `"session": "kitty: box"`)

	if r = m.keepalive(t, "putty", "--app", "mobaxterm"); r.code != 2 {
		t.Errorf("--app mobaxterm: exit %d, want 2 (usage)", r.code)
	}

	// --app kitty where KiTTY has saved nothing: said so, nothing created.
	m.regDelete(kittyKey)
	r = m.keepalive(t, "putty", "--app", "kitty")
	if r.code != 1 {
		t.Errorf("--app kitty without KiTTY: exit %d, want 1", r.code)
	}
	mustContain(t, "--app kitty without KiTTY", r.stderr,
		`keepalive: KiTTY has saved no settings in HKCU\Software\9bis.com\KiTTY\Sessions: it does not exist`,
		"hint: save a session in KiTTY first")
	if got := m.regQuery(t, kittyKey); len(got) != 0 {
		t.Errorf("KiTTY's key created: %v", got)
	}
	m.regImport(t, kittySessions)

	// KiTTY alone (no PuTTY key): its sessions under their own names, and
	// no PuTTY key is created.
	m.regDelete(puttyKey)
	r = m.must(t, "putty", "--interval", "40")
	mustContain(t, "putty with KiTTY alone", r.stdout,
		`changed HKCU\Software\9bis.com\KiTTY\Sessions\box: KiTTY session "box" keep-alive 40s (was 120s)`,
		`changed HKCU\Software\9bis.com\KiTTY\Sessions\Default%20Settings: KiTTY session "Default Settings" keep-alive 40s (was off)`)
	if got := m.regQuery(t, puttyKey); len(got) != 0 {
		t.Errorf("PuTTY's key created with KiTTY alone: %v", got)
	}
}

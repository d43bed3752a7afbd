// Package putty reads and sets the keep-alive of PuTTY saved sessions.
//
// PuTTY keeps each saved session in one place: a file of Key=Value lines on
// Unix (FileStore) and a registry key of values on Windows (RegistryStore).
// Both sit behind Store, so the command line does not care which one it has.
//
// The keep-alive ("Seconds between keepalives" in PuTTY's Connection panel)
// is two settings that PuTTY adds together when it loads a session:
// PingInterval, in minutes, kept for compatibility with PuTTY 0.50/0.51, and
// PingIntervalSecs, in seconds (settings.c, load_open_settings). A missing
// setting counts as 0. Setting N seconds therefore writes PingInterval=0 and
// PingIntervalSecs=N, so that a legacy PingInterval=1 cannot turn a request
// for 1 s into 61 s.
//
// "Default Settings" is not a session PuTTY connects with: it only seeds the
// sessions saved after it. PuTTY offers it even when nothing is saved under
// that name (then it means PuTTY's built-in defaults, keep-alive off), so the
// stores treat it as always present and create it on first write.
package putty

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// DefaultSettings is the session PuTTY seeds new sessions from.
const DefaultSettings = "Default Settings"

// The settings PuTTY adds together for the keep-alive interval.
const (
	keyMinutes = "PingInterval"     // minutes, PuTTY 0.50/0.51
	keySeconds = "PingIntervalSecs" // seconds, every later PuTTY
)

// ErrNoSession is returned for a session that is not saved.
var ErrNoSession = errors.New("no such PuTTY session")

// KeepAlive is a session's keep-alive as PuTTY reads it.
type KeepAlive struct {
	Minutes int // PingInterval
	Seconds int // PingIntervalSecs
}

// Interval is the keep-alive in seconds, as PuTTY computes it; 0 is off.
func (k KeepAlive) Interval() int {
	return k.Minutes*60 + k.Seconds
}

// FormatInterval shows a keep-alive interval: "60s", or "off" for 0.
func FormatInterval(seconds int) string {
	if seconds == 0 {
		return "off"
	}
	return strconv.Itoa(seconds) + "s"
}

// Session is a saved session and its keep-alive.
type Session struct {
	Name string
	// Location is where the session lives: its file, or its registry key.
	Location string
	// Saved is false for a "Default Settings" that PuTTY has never saved:
	// PuTTY then uses its built-in defaults.
	Saved     bool
	KeepAlive KeepAlive
	// MinutesLine and SecondsLine are the 1-based lines of PingInterval and
	// PingIntervalSecs in a session file (0: absent, or not a file).
	MinutesLine, SecondsLine int
}

// Source says where PuTTY takes the session's keep-alive from, as `show`
// reports it: "FILE:LINE" of the keep-alive settings in a session file
// ("FILE:3,4" when both are there, in file order), the registry key of a
// saved registry session, or "default" when PuTTY uses its built-in value.
func (s Session) Source() string {
	if !s.Saved {
		return "default"
	}
	if s.MinutesLine == 0 && s.SecondsLine == 0 {
		if strings.HasPrefix(s.Location, `HKCU\`) {
			return s.Location
		}
		return "default"
	}
	var lines []string
	for _, l := range []int{min(s.MinutesLine, s.SecondsLine), max(s.MinutesLine, s.SecondsLine)} {
		if l > 0 {
			lines = append(lines, strconv.Itoa(l))
		}
	}
	return s.Location + ":" + strings.Join(lines, ",")
}

// Store is where PuTTY keeps saved sessions.
type Store interface {
	// Where names the place: the sessions directory or the registry key.
	Where() string
	// Exists reports whether PuTTY has ever saved settings there. Without
	// that, writing would create PuTTY's configuration from nothing.
	Exists() (bool, error)
	// Sessions lists the saved sessions, "Default Settings" first (when
	// saved), then the others sorted by name.
	Sessions() ([]Session, error)
	// Session reads one session. A session that is not saved is an error
	// wrapping ErrNoSession, except "Default Settings" (see the package
	// comment).
	Session(name string) (Session, error)
	// SetKeepAlive sets the session's keep-alive to seconds (0 turns it
	// off) and reports what changed. Nothing is written when the value is
	// already in effect or opts.DryRun is set.
	SetKeepAlive(name string, seconds int, opts SetOptions) (Change, error)
}

// SetOptions control SetKeepAlive.
type SetOptions struct {
	// DryRun computes the change without writing it.
	DryRun bool
	// Create saves a session that does not exist yet, seeded from "Default
	// Settings" as PuTTY seeds a session saved from its dialog. Without it a
	// missing session is an error wrapping ErrNoSession.
	Create bool
	// Backup keeps the previous file as FILE.keepalive.bak, or
	// FILE.keepalive.bak.N when taken (file store).
	Backup bool
	// Note receives what the user should hear about a write (file store):
	// see atomicfile.Options.Note.
	Note func(string)
	// Keep leaves a keep-alive that is on as it is: no interval was asked
	// for, so the session's own value stays (Change.Kept).
	Keep bool
	// Undo puts back the keep-alive the session had before keepalive set
	// it, as recorded in the session (KeepaliveWas: a line of the session
	// file, a REG_SZ value of the session key); a session
	// without a record, or changed since, keeps its value (Change.Kept).
	// seconds is then not used.
	Undo bool
}

// Change is what SetKeepAlive did, or with DryRun would do.
type Change struct {
	Session  string
	Location string
	// App names the program whose session it is ("PuTTY", "KiTTY").
	App    string
	Before KeepAlive
	After  KeepAlive
	// Created: the session was not saved before.
	Created bool
	// Changed: the session was (or would be) written.
	Changed bool
	// Kept: the keep-alive was left as it is, for the reason in Why.
	Kept bool
	Why  string
	// Restored: Undo put back the previous value.
	Restored bool
	// OldText and NewText show the change for a diff: the file's bytes, or
	// the session's keep-alive values in .reg syntax for the registry.
	OldText, NewText []byte
}

// sortSessions orders sessions the way PuTTY's dialog does: "Default
// Settings" first, then by name.
func sortSessions(ss []Session) {
	sort.SliceStable(ss, func(i, j int) bool {
		if (ss[i].Name == DefaultSettings) != (ss[j].Name == DefaultSettings) {
			return ss[i].Name == DefaultSettings
		}
		return ss[i].Name < ss[j].Name
	})
}

// atoi reads a number the way C's atoi does, as PuTTY reads integer
// settings: leading white space, an optional sign, then digits up to the
// first non-digit; no digits is 0. Values beyond a C int are clamped.
func atoi(s string) int {
	i := 0
	for i < len(s) && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	n := int64(0)
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		if n <= 1<<31 {
			n = n*10 + int64(s[i]-'0')
		}
	}
	if neg {
		n = -n
	}
	return int(max(min(n, 1<<31-1), -1<<31))
}

// Completions are the shell completions for --session: the saved sessions
// of store whose names begin with prefix ("Default Settings" first), each
// described by its keep-alive.
func Completions(store Store, prefix string) ([]string, error) {
	sessions, err := store.Sessions()
	var out []string
	for _, s := range sessions {
		if !strings.HasPrefix(s.Name, prefix) {
			continue
		}
		desc := "keep-alive off"
		if n := s.KeepAlive.Interval(); n > 0 {
			desc = fmt.Sprintf("keep-alive %d s", n)
		}
		out = append(out, s.Name+"\t"+desc)
	}
	return out, err
}

// BackupWarning is what --backup cannot do for store: "" for session files,
// which are backed up; for the registry, how to save a copy by hand.
func BackupWarning(store Store) string {
	if !strings.HasPrefix(store.Where(), `HKCU\`) {
		return ""
	}
	return fmt.Sprintf("--backup keeps no copy of registry values; `reg export \"%s\" putty.reg` saves one", strings.Split(store.Where(), " and ")[0])
}

package edit

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/keepalive-ssh/keepalive/internal/diff"
	"github.com/keepalive-ssh/keepalive/internal/putty"
)

// SessionChange is what an edit did to one session (--json).
type SessionChange struct {
	Session  string `json:"session"`
	Location string `json:"location"`
	// App is the program whose session it is: "PuTTY" or "KiTTY".
	App     string `json:"app"`
	Before  int    `json:"before"`
	After   int    `json:"after"`
	Changed bool   `json:"changed"`
	Created bool   `json:"created"`
	// Restored: disable gave back the keep-alive the session had before
	// keepalive set it.
	Restored bool `json:"restored,omitempty"`
	// Kept: left as it was, for the reason in Why.
	Kept bool   `json:"kept,omitempty"`
	Why  string `json:"why,omitempty"`
}

// Sessions is one edit of the keep-alive of PuTTY-family sessions.
type Sessions struct {
	Options
	Store putty.Store
	// Names are the sessions to edit; none means every saved session and
	// Default Settings.
	Names   []string
	Seconds int // 0 turns the keep-alive off
	// Create saves a named session that does not exist yet (and the
	// store's Default Settings when it has none).
	Create bool

	// keep leaves a keep-alive that is on (no --interval); undo puts back
	// what keepalive recorded (disable without --all).
	keep, undo bool
}

// Run plans every change before it writes any, so an unknown or unreadable
// session leaves everything as it was; each write then re-reads its
// session. After a failed write the Result lists what was written before.
func (s *Sessions) Run() (*Result, error) {
	targets, err := s.targets()
	if err != nil {
		return nil, err
	}
	exists, err := s.Store.Exists()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.Store.Where(), err)
	}
	if !exists && s.Seconds != 0 && !s.Create {
		app := putty.PuTTY.Name
		if r, ok := s.Store.(*putty.RegistryStore); ok && r.App.Name != "" {
			app = r.App.Name // --app kitty
		}
		return nil, hintedf("save a session in "+app+" first, or add --create to create Default Settings there",
			"%s has saved no settings in %s: it does not exist", app, s.Store.Where())
	}
	var changes []putty.Change
	for _, name := range targets {
		ch, err := s.Store.SetKeepAlive(name, s.Seconds, putty.SetOptions{DryRun: true, Create: s.Create, Keep: s.keep, Undo: s.undo})
		if err != nil {
			return nil, sessionError(ch, err)
		}
		changes = append(changes, ch)
	}
	res := &Result{Files: []string{}, Sessions: []SessionChange{}, Mode: s.Mode}
	var diffs strings.Builder
	for _, ch := range changes {
		if ch.Changed {
			res.Changed = true
			res.Files = append(res.Files, ch.Location)
			old := ch.Location
			if ch.OldText == nil {
				old = "/dev/null"
			}
			diffs.WriteString(diff.Unified(old, ch.Location, ch.OldText, ch.NewText))
		}
	}
	res.Diff = diffs.String()
	n := "1 session"
	if len(changes) != 1 {
		n = strconv.Itoa(len(changes)) + " sessions"
	}
	res.Idle = fmt.Sprintf("already set: PuTTY keep-alive %s in %s in %s", putty.FormatInterval(s.Seconds), n, s.Store.Where())
	if s.undo {
		res.Idle = fmt.Sprintf("nothing to undo: keepalive set no keep-alive in %s in %s", n, s.Store.Where())
	}
	for _, ch := range changes {
		switch {
		case !ch.Kept:
		case ch.Why == "in effect":
			res.Notes = append(res.Notes, fmt.Sprintf("kept PuTTY session %q keep-alive %s (%s); pass --interval to change it", ch.Session, putty.FormatInterval(ch.Before.Interval()), ch.Location))
		default:
			res.Notes = append(res.Notes, fmt.Sprintf("%s kept: %s (PuTTY session %q keep-alive %s); --all removes it too", ch.Location, ch.Why, ch.Session, putty.FormatInterval(ch.Before.Interval())))
		}
	}
	for i, ch := range changes {
		if ch.Changed && s.Mode.Writes() {
			done, err := s.Store.SetKeepAlive(ch.Session, s.Seconds, putty.SetOptions{Create: s.Create, Backup: s.Backup, Note: s.note, Keep: s.keep, Undo: s.undo})
			if err != nil {
				res.Sessions = sessionChanges(changes[:i])
				return res, sessionError(ch, err)
			}
			changes[i] = done
		}
	}
	res.Sessions = sessionChanges(changes)
	return res, nil
}

func sessionChanges(changes []putty.Change) []SessionChange {
	out := []SessionChange{}
	for _, ch := range changes {
		out = append(out, SessionChange{
			Session: ch.Session, Location: ch.Location, App: ch.App,
			Before: ch.Before.Interval(), After: ch.After.Interval(),
			Changed: ch.Changed, Created: ch.Created,
			Restored: ch.Restored, Kept: ch.Kept, Why: ch.Why,
		})
	}
	return out
}

// targets are the sessions the edit is for: the named ones, all of which
// must exist unless Create, or every saved one and Default Settings.
func (s *Sessions) targets() ([]string, error) {
	if len(s.Names) == 0 {
		saved, err := s.Store.Sessions()
		if err != nil {
			return nil, fmt.Errorf("list PuTTY sessions in %s: %w", s.Store.Where(), err)
		}
		targets := []string{putty.DefaultSettings}
		for _, ss := range saved {
			if ss.Name != putty.DefaultSettings {
				targets = append(targets, ss.Name)
			}
		}
		return targets, nil
	}
	var unknown []string
	for _, n := range s.Names {
		_, err := s.Store.Session(n)
		if errors.Is(err, putty.ErrNoSession) {
			unknown = append(unknown, n)
			continue
		}
		if err != nil {
			return nil, err
		}
	}
	if len(unknown) > 0 && !s.Create {
		return nil, UnknownSessions(s.Store, unknown)
	}
	return s.Names, nil
}

// List reads the sessions: Default Settings (saved or not) and every saved
// session, or the named ones, all of which must exist.
func (s *Sessions) List() ([]putty.Session, error) {
	if len(s.Names) == 0 {
		saved, err := s.Store.Sessions()
		if err != nil {
			return nil, fmt.Errorf("list PuTTY sessions in %s: %w", s.Store.Where(), err)
		}
		var out []putty.Session
		if len(saved) == 0 || saved[0].Name != putty.DefaultSettings {
			ds, err := s.Store.Session(putty.DefaultSettings)
			if err != nil {
				return nil, err
			}
			out = append(out, ds)
		}
		return append(out, saved...), nil
	}
	var out []putty.Session
	var unknown []string
	for _, n := range s.Names {
		ss, err := s.Store.Session(n)
		if errors.Is(err, putty.ErrNoSession) {
			unknown = append(unknown, n)
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, ss)
	}
	if len(unknown) > 0 {
		return nil, UnknownSessions(s.Store, unknown)
	}
	return out, nil
}

// UnknownSessions is the error for --session names that are not saved: it
// names them and lists the ones that are.
func UnknownSessions(store putty.Store, unknown []string) error {
	quote := func(ns []string) string {
		q := make([]string, len(ns))
		for i, n := range ns {
			q[i] = strconv.Quote(n)
		}
		return strings.Join(q, ", ")
	}
	what := "no PuTTY session"
	if len(unknown) > 1 {
		what = "no PuTTY sessions"
	}
	have := []string{putty.DefaultSettings}
	if saved, err := store.Sessions(); err == nil {
		for _, ss := range saved {
			if ss.Name != putty.DefaultSettings {
				have = append(have, ss.Name)
			}
		}
	}
	return hintedf("check the spelling (names are case-sensitive), or add --create to save it as a copy of Default Settings",
		"%s %s in %s; the sessions are: %s", what, quote(unknown), store.Where(), quote(have))
}

// sessionError adds what to do to a failed session write.
func sessionError(ch putty.Change, err error) error {
	if errors.Is(err, putty.ErrNoSession) {
		return hinted(fmt.Errorf("%s: %w", ch.Location, err), "add --create to save it as a copy of Default Settings")
	}
	if errors.Is(err, fs.ErrPermission) {
		return hinted(err, "PuTTY sessions belong to their user: run keepalive as that user, and check the permissions of "+ch.Location)
	}
	return err
}

package edit

import (
	"errors"
	"fmt"
	"strings"

	"github.com/keepalive-ssh/keepalive/internal/putty"
)

// Mode says what happens to a planned change.
type Mode int

const (
	Write  Mode = iota // write the change
	DryRun             // show it, write nothing
	Check              // write nothing; the caller exits 3 on a change
)

// Writes reports whether the mode puts changes in place.
func (m Mode) Writes() bool { return m == Write }

// Result is what an edit did (or, in DryRun and Check, would do), for
// people and for --json.
type Result struct {
	Changed bool     `json:"changed"`
	Files   []string `json:"files"`
	Diff    string   `json:"diff,omitempty"`
	// Sessions are the PuTTY-family sessions an edit looked at.
	Sessions []SessionChange `json:"sessions,omitempty"`

	// Summary says what the change does ("ServerAliveInterval 60, ...
	// in FILE"); Idle is the one line printed when nothing changes.
	Summary string `json:"-"`
	Idle    string `json:"-"`
	// Described says, for each changed file in Files order, what changed
	// in it: each value with what it was, and the block ("ServerAlive-
	// Interval 60 (was 120) in Host *"). Empty for sessions.
	Described []FileChange `json:"-"`
	// Notes are printed after the changes: values kept as they were (and
	// why), hosts that keep their own values.
	Notes []string `json:"-"`
	// Mode is how the edit ran.
	Mode Mode `json:"-"`
}

// FileChange is what an edit changed in one file.
type FileChange struct {
	Path, What string
}

// Error is a failure with what the user can do about it.
type Error struct {
	Err  error
	Hint string
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// hinted adds a hint to err.
func hinted(err error, hint string) error { return &Error{Err: err, Hint: hint} }

// hintedf is hinted with a formatted error.
func hintedf(hint, format string, args ...any) error {
	return &Error{Err: fmt.Errorf(format, args...), Hint: hint}
}

// ErrChanges is returned by a Check that found changes to make.
var ErrChanges = errors.New("changes would be made")

// Lines say which files changed (or, with would, would change) and how:
// one line for a config edit, one per session for PuTTY-family sessions.
func (r *Result) Lines(would bool) []string {
	if r.Sessions == nil {
		if !r.Changed {
			return nil
		}
		verb := "changed"
		if would {
			verb = "would change"
		}
		if len(r.Described) == 0 {
			return []string{fmt.Sprintf("%s %s: %s", verb, strings.Join(r.Files, ", "), r.Summary)}
		}
		// Each file once, with what changed in it.
		var out []string
		for _, fc := range r.Described {
			out = append(out, fmt.Sprintf("%s %s: %s", verb, fc.Path, fc.What))
		}
		return out
	}
	var out []string
	for _, ch := range r.Sessions {
		if !ch.Changed {
			continue
		}
		verb := "changed"
		if ch.Created {
			verb = "created"
		}
		if would {
			verb = "would " + strings.TrimSuffix(verb, "d")
		}
		app := ch.App
		if app == "" {
			app = putty.PuTTY.Name
		}
		switch {
		case ch.Created:
			out = append(out, fmt.Sprintf("%s %s: %s session %q with keep-alive %s", verb, ch.Location, app, ch.Session, putty.FormatInterval(ch.After)))
		case ch.Restored:
			out = append(out, fmt.Sprintf("%s %s: %s session %q keep-alive restored to %s (was %s)", verb, ch.Location, app, ch.Session, putty.FormatInterval(ch.After), putty.FormatInterval(ch.Before)))
		case ch.Before == ch.After:
			out = append(out, fmt.Sprintf("%s %s: %s session %q: removed keepalive's record (the keep-alive %s was changed since)", verb, ch.Location, app, ch.Session, putty.FormatInterval(ch.After)))
		default:
			out = append(out, fmt.Sprintf("%s %s: %s session %q keep-alive %s (was %s)", verb, ch.Location, app, ch.Session, putty.FormatInterval(ch.After), putty.FormatInterval(ch.Before)))
		}
	}
	return out
}

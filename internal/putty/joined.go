package putty

import (
	"fmt"
	"strings"
)

// Joined is one Store over the stores of several apps (PuTTY and KiTTY), so
// that the command line lists and edits them together. The first store's
// sessions keep their names; the others' are listed apart, named with the
// app in front: KiTTY's session "box" is "kitty: box", and KiTTY's defaults
// are "kitty: Default Settings". (A PuTTY session literally named
// "kitty: box" is then reached through --app putty.)
type Joined struct {
	Parts []Part
}

// Part is one app's store in a Joined.
type Part struct {
	App   App
	Store Store
}

// prefix is what comes before a session name of part i.
func (j *Joined) prefix(i int) string {
	if i == 0 {
		return ""
	}
	return strings.ToLower(j.Parts[i].App.Name) + ": "
}

// find returns the part that holds name, and the name within that part.
func (j *Joined) find(name string) (int, string) {
	for i := 1; i < len(j.Parts); i++ {
		if rest, ok := strings.CutPrefix(name, j.prefix(i)); ok {
			return i, rest
		}
	}
	return 0, name
}

// Where names every part's place, joined by " and ".
func (j *Joined) Where() string {
	var w []string
	for _, p := range j.Parts {
		w = append(w, p.Store.Where())
	}
	return strings.Join(w, " and ")
}

// Exists reports whether any of the apps has saved settings.
func (j *Joined) Exists() (bool, error) {
	for _, p := range j.Parts {
		ok, err := p.Store.Exists()
		if ok || err != nil {
			return ok, err
		}
	}
	return false, nil
}

// Sessions lists the first part's sessions, then each other part's, named
// apart. An app other than the first always lists its Default Settings,
// saved or not, so that editing every session covers its defaults too (the
// command line adds the first part's).
func (j *Joined) Sessions() ([]Session, error) {
	var out []Session
	for i, p := range j.Parts {
		ss, err := p.Store.Sessions()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.App.Name, err)
		}
		if i > 0 && (len(ss) == 0 || ss[0].Name != DefaultSettings) {
			ds, err := p.Store.Session(DefaultSettings)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", p.App.Name, err)
			}
			ss = append([]Session{ds}, ss...)
		}
		for _, s := range ss {
			s.Name = j.prefix(i) + s.Name
			out = append(out, s)
		}
	}
	return out, nil
}

// Session reads one session of the part its name points to.
func (j *Joined) Session(name string) (Session, error) {
	i, n := j.find(name)
	s, err := j.Parts[i].Store.Session(n)
	s.Name = name
	return s, err
}

// SetKeepAlive sets the keep-alive of one session of the part its name
// points to.
func (j *Joined) SetKeepAlive(name string, seconds int, opts SetOptions) (Change, error) {
	i, n := j.find(name)
	ch, err := j.Parts[i].Store.SetKeepAlive(n, seconds, opts)
	ch.Session = name
	return ch, err
}

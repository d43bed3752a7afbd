package edit

import (
	"fmt"
	"io"
	"strconv"

	"github.com/keepalive-ssh/keepalive/internal/atomicfile"
	"github.com/keepalive-ssh/keepalive/internal/openssh"
	"github.com/keepalive-ssh/keepalive/internal/placement"
	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// Target is something keepalive turns keep-alives on and off in: an
// OpenSSH client config (Client), an sshd config (Server), or a
// PuTTY-family session store (Sessions). A command builds one from its
// flags and calls it; the edit transaction does the rest.
type Target interface {
	Enable(v Values) (*Result, error)
	Disable() (*Result, error)
}

// Values are the keep-alive values an enable asks for.
type Values struct {
	Interval int // seconds
	Count    int // unanswered keep-alives before giving up
	// IntervalSet and CountSet say the value was given (--interval,
	// --count) and wins; otherwise it is keepalive's default, and a value
	// already in effect stays as it is.
	IntervalSet, CountSet bool
}

// Options are what every target's edit shares.
type Options struct {
	Mode Mode
	// Diff asks for the diff in Write mode too (--verbose, --json).
	Diff   bool
	Backup bool
	// Warn receives warnings and notes (stderr).
	Warn io.Writer
	// All makes Disable remove every keep-alive in scope, whoever set it,
	// rather than undo what keepalive did.
	All bool
}

// note prints a note about a write (a backup's name, a read-only file)
// to Warn.
func (o Options) note(msg string) {
	if o.Warn != nil {
		fmt.Fprintf(o.Warn, "keepalive: note: %s\n", msg)
	}
}

// Client is an OpenSSH client config: ServerAliveInterval and
// ServerAliveCountMax for Scope.Host.
type Client struct {
	Options
	Scope placement.Scope
	// Write are the atomicfile options for the edited files (owner under
	// sudo --user, modes).
	Write atomicfile.Options
	// CreateDir is the one missing directory the edit may create (the
	// user's ~/.ssh); "" for none.
	CreateDir string
	// NoValidate skips ssh -G; otherwise FindProgram finds the ssh that
	// validates, and a machine without ssh edits without it.
	NoValidate  bool
	FindProgram func(name string) (string, error)
}

func (c *Client) Enable(v Values) (*Result, error) {
	settings := []placement.Setting{
		{Key: sshconf.ServerAliveInterval, Value: strconv.Itoa(v.Interval), Default: !v.IntervalSet},
		{Key: sshconf.ServerAliveCountMax, Value: strconv.Itoa(v.Count), Default: !v.CountSet},
	}
	summary := fmt.Sprintf("ServerAliveInterval %d, ServerAliveCountMax %d for Host %s", v.Interval, v.Count, c.Scope.Host)
	return c.run(func(sc placement.Scope) (*placement.Plan, error) { return placement.Enable(sc, settings), nil },
		summary, "already set: "+summary)
}

func (c *Client) Disable() (*Result, error) {
	keys := sshconf.Client.Written()
	if c.All {
		return c.run(func(sc placement.Scope) (*placement.Plan, error) { return placement.DisableAll(sc, keys), nil },
			"removed ServerAliveInterval and ServerAliveCountMax for Host "+c.Scope.Host,
			"nothing to remove: no ServerAliveInterval or ServerAliveCountMax for Host "+c.Scope.Host)
	}
	return c.run(func(sc placement.Scope) (*placement.Plan, error) { return placement.Disable(sc, keys), nil },
		"removed keepalive's ServerAliveInterval and ServerAliveCountMax for Host "+c.Scope.Host,
		"nothing to remove: keepalive set no ServerAliveInterval or ServerAliveCountMax for Host "+c.Scope.Host)
}

func (c *Client) run(plan func(placement.Scope) (*placement.Plan, error), summary, idle string) (*Result, error) {
	wo := c.Write
	wo.Backup, wo.Note = c.Backup, c.note
	tx := Config{
		Scope: c.Scope, Plan: plan, Mode: c.Mode, Diff: c.Diff, Write: wo,
		Summary: summary, Idle: idle, Warn: c.Warn, CreateDir: c.CreateDir,
	}
	if ch := c.checker(); ch != nil {
		defer ch.Close()
		tx.Validator = &SSH{Checker: ch, Warn: c.Warn}
	}
	return tx.Run()
}

// checker starts the ssh -G check, or returns nil: with NoValidate, or on
// a machine without ssh (there is no ssh to disagree with the file then;
// the server side, whose sshd must keep starting, insists instead).
func (c *Client) checker() *openssh.Checker {
	if c.NoValidate || c.FindProgram == nil {
		return nil
	}
	bin, err := c.FindProgram("ssh")
	if err != nil {
		return nil
	}
	ch, err := openssh.NewClientChecker(bin)
	if err != nil {
		fmt.Fprintf(c.Warn, "keepalive: not validated with ssh -G: %v\n", err)
		return nil
	}
	return ch
}

// Enable sets the sessions' keep-alive to v.Interval (PuTTY has no count).
// Without v.IntervalSet a keep-alive that is on stays.
func (s *Sessions) Enable(v Values) (*Result, error) {
	s.Seconds = v.Interval
	s.keep = !v.IntervalSet
	return s.Run()
}

// Disable gives the sessions back the keep-alive they had before keepalive
// set it; with All it turns every keep-alive off.
func (s *Sessions) Disable() (*Result, error) {
	s.Seconds, s.Create = 0, false
	s.undo = !s.All
	return s.Run()
}

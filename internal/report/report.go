// Package report builds what `keepalive show` prints: the keep-alive values
// OpenSSH's client and server would use, each with the line it comes from
// (or "default"), PuTTY sessions' keep-alive, and the warnings a user
// needs to understand why a value is what it is. It renders the report as
// an aligned table or as JSON. Build runs nothing; Verify cross-checks the
// values with the real ssh -G and sshd -T (through package openssh).
package report

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/keepalive-ssh/keepalive/internal/resolve"
	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// Defaults OpenSSH uses when nothing sets a keyword (readconf.c and
// servconf.c, fill_default_*options).
const (
	DefaultInterval  = 0
	DefaultCountMax  = 3
	DefaultKeepAlive = "yes"
	// BatchModeInterval is the client's default ServerAliveInterval when
	// BatchMode is yes.
	BatchModeInterval = 300
)

// Idle timeouts of common middleboxes, in seconds (docs/SPEC.md "The problem").
const (
	AzureLBIdle = 240 // Azure load balancer: beyond it, a warning
	AWSALBIdle  = 60  // AWS application load balancer: beyond it, a note
)

// Source of a value that nothing in the configuration sets.
const SourceDefault = "default"

// Value is one effective setting: a number of seconds or a count (int), or
// "yes"/"no" (string), with where it comes from.
type Value struct {
	Value  any    `json:"value"`
	Source string `json:"source"` // "path:line" or "default"

	// Block names the Match block the winning line is in, with the
	// header's "path:line", when it is in one: `Match User bob` at
	// /etc/ssh/sshd_config:120.
	Block string `json:"block,omitempty"`

	occ *resolve.Occurrence
	bad bool // OpenSSH rejects the value; Value is the text as written
}

// Int returns the value as a number, and false for a flag or a value
// OpenSSH rejects.
func (v Value) Int() (int, bool) {
	n, ok := v.Value.(int)
	return n, ok && !v.bad
}

// Occurrence returns the directive the value comes from, or nil for a
// default.
func (v Value) Occurrence() *resolve.Occurrence { return v.occ }

// String renders the value as ssh -G prints it.
func (v Value) String() string {
	switch x := v.Value.(type) {
	case int:
		return strconv.Itoa(x)
	case string:
		return x
	}
	return fmt.Sprint(v.Value)
}

// Client is the client side: what `ssh -G HOST` computes.
type Client struct {
	Host                string `json:"host"`
	ServerAliveInterval Value  `json:"ServerAliveInterval"`
	ServerAliveCountMax Value  `json:"ServerAliveCountMax"`
	TCPKeepAlive        Value  `json:"TCPKeepAlive"`

	// Rejected is set when ssh refuses the configuration: "path:line:
	// why", from keepalive's evaluation or from the real ssh (--verify).
	// The values are then what keepalive read, not what is in effect.
	Rejected string `json:"rejected,omitempty"`

	// Probe is true when no host was asked for and Host is a made-up name
	// that only general blocks (Host *, Match all) match.
	Probe bool `json:"-"`
	// Files are the configs read, in order.
	Files []string `json:"-"`
	// Result is the resolver's evaluation, for callers that want more.
	Result *resolve.Result `json:"-"`

	byKey map[string]Value // by lower-case keyword
}

// Server is the server side: the global values `sshd -T` prints without
// -C, where only "Match all" blocks apply, or with a connection those
// `sshd -T -C` prints for it.
type Server struct {
	// Connection is the connection spec the values are for ("" for the
	// global values): "user=bob,host=h,addr=10.0.0.1".
	Connection          string `json:"connection,omitempty"`
	ClientAliveInterval Value  `json:"ClientAliveInterval"`
	ClientAliveCountMax Value  `json:"ClientAliveCountMax"`
	TCPKeepAlive        Value  `json:"TCPKeepAlive"`
	// Rejected: as Client.Rejected, for sshd.
	Rejected string `json:"rejected,omitempty"`

	Config string          `json:"-"` // sshd_config path
	Files  []string        `json:"-"`
	Result *resolve.Result `json:"-"`

	byKey map[string]Value // by lower-case keyword
}

// PuttySession is a PuTTY saved session's keep-alive in seconds (0: off).
type PuttySession struct {
	Session string `json:"session"`
	Value   int    `json:"value"`
	Source  string `json:"source"` // file:line, file, registry key, or "default"
	// Minutes is the part of Value that PuTTY's legacy PingInterval
	// (minutes) contributes.
	Minutes int `json:"-"`
}

// Level says how much a warning matters.
type Level string

const (
	Error   Level = "error"   // OpenSSH rejects something, or --verify disagrees
	Warning Level = "warning" // a value is not what the user probably wants
	Info    Level = "info"    // worth knowing
)

// Section is the part of the report a warning is about.
type Section string

const (
	SectionClient Section = "client"
	SectionServer Section = "server"
	SectionPutty  Section = "putty"
)

// Warn is one finding.
type Warn struct {
	Level   Level   `json:"level"`
	Section Section `json:"section"`
	Source  string  `json:"source,omitempty"` // "path:line" it is about
	Message string  `json:"message"`
}

func (w Warn) String() string {
	if w.Source != "" {
		return fmt.Sprintf("%s: %s: %s", w.Level, w.Source, w.Message)
	}
	return fmt.Sprintf("%s: %s", w.Level, w.Message)
}

// Report is everything show prints. A nil Server means the server was not
// asked for (NoServer) or is not installed (ServerMissing).
type Report struct {
	Client   *Client        `json:"client"`
	Server   *Server        `json:"server"`
	Putty    []PuttySession `json:"putty"`
	Warnings []Warn         `json:"warnings"`

	// ServerMissing names the sshd_config that does not exist.
	ServerMissing string `json:"-"`
	// ServerSkipped: the server section was not asked for.
	ServerSkipped bool `json:"-"`
	// PuttyNote says why PuTTY sessions are absent, when not simply none.
	PuttyNote string `json:"-"`
}

// Add appends a warning.
func (r *Report) Add(level Level, sec Section, source, format string, args ...any) {
	r.Warnings = append(r.Warnings, Warn{Level: level, Section: sec, Source: source, Message: fmt.Sprintf(format, args...)})
}

// Rejected returns what makes ssh or sshd refuse its configuration
// ("ssh rejects this config: path:line: why"), or "" when neither does as
// far as keepalive knows.
func (r *Report) Rejected() string {
	var out []string
	if r.Client != nil && r.Client.Rejected != "" {
		out = append(out, "ssh rejects this config: "+r.Client.Rejected)
	}
	if r.Server != nil && r.Server.Rejected != "" {
		out = append(out, "sshd rejects this config: "+r.Server.Rejected)
	}
	return strings.Join(out, "; ")
}

// Has reports whether a warning of at least level exists.
func (r *Report) Has(level Level) bool {
	for _, w := range r.Warnings {
		if rank(w.Level) >= rank(level) {
			return true
		}
	}
	return false
}

func rank(l Level) int {
	switch l {
	case Error:
		return 2
	case Warning:
		return 1
	}
	return 0
}

// Options say what to report on.
type Options struct {
	// Client evaluates the client configuration for Client.Host; nil
	// leaves the client out.
	Client *resolve.Options
	// Probe: Client.Host is a made-up name (placement.ProbeHost("*"))
	// because no host was asked for.
	Probe bool
	// AllHosts: with a host asked for (not Probe), also report the
	// keep-alive lines for other hosts; otherwise they are only counted.
	AllHosts bool
	// CheckUserConfig: Client.Files[0] is ~/.ssh/config, whose owner and
	// permissions ssh checks (it does not for a file given with -F). It
	// always checks Included files.
	CheckUserConfig bool

	// Server evaluates sshd_config; Files[0] is the main config. nil
	// leaves the server out. A nil Server.Conn gives the global values, as
	// sshd -T without -C; a Conn those for that connection, as with -C.
	Server *resolve.Options

	// Putty are the saved sessions, when PuTTY was looked at.
	Putty []PuttySession
	// PuttyNote explains an empty PuTTY section ("not looked at", ...).
	PuttyNote string
}

// Build evaluates the configuration and collects values and warnings.
func Build(o Options) *Report {
	r := &Report{Putty: []PuttySession{}, Warnings: []Warn{}, PuttyNote: o.PuttyNote}
	if o.Client != nil {
		r.Client = buildClient(r, *o.Client, o.Probe, o.AllHosts)
		permWarnings(r, *o.Client, r.Client.Result, o.CheckUserConfig)
	}
	if o.Server != nil {
		r.Server = buildServer(r, *o.Server)
	} else {
		r.ServerSkipped = true
	}
	if o.Putty != nil {
		r.Putty = append(r.Putty, o.Putty...)
	}
	puttyWarnings(r)
	return r
}

// kind says how a keyword's value is parsed.
type kind int

const (
	kindTime kind = iota
	kindInt
	kindFlag       // ssh's yes/no/true/false
	kindServerFlag // sshd's yes/no
)

// reportedKey is a keyword show reports: lower case (key), canonical
// spelling (name), and how to read it.
type reportedKey struct {
	key, name string
	kind      kind
	def       any
}

// keysOf lists the keywords show reports for one program, from the
// keyword table.
func keysOf(d sshconf.Dialect) []reportedKey {
	var out []reportedKey
	for _, k := range d.Keywords() {
		rk := reportedKey{key: k.Key(), name: k.Name, def: k.Default}
		switch {
		case k.Kind == sshconf.Seconds:
			rk.kind = kindTime
		case k.Kind == sshconf.Count:
			rk.kind = kindInt
		case k.Kind == sshconf.Flag:
			rk.kind, rk.def = kindFlag, map[bool]string{true: "yes", false: "no"}[k.Default == 1]
			if d.Server {
				rk.kind = kindServerFlag
			}
		}
		out = append(out, rk)
	}
	return out
}

// valuesOf returns the effective value of each key, by lower-case keyword.
func valuesOf(res *resolve.Result, keys []reportedKey) map[string]Value {
	out := map[string]Value{}
	for _, k := range keys {
		out[k.key] = valueOf(res, k.key, k.kind, k.def)
	}
	return out
}

// valueOf returns the effective value of key with its source.
func valueOf(res *resolve.Result, key string, k kind, def any) Value {
	o, ok := res.Effective(key)
	if !ok {
		return Value{Value: def, Source: SourceDefault}
	}
	v := Value{Source: o.Pos(), occ: &o}
	if o.Header != nil && o.Header.Is("Match") {
		v.Block = blockAt(res, o)
	}
	arg := ""
	args := o.Line().Args()
	if len(args) > 0 {
		arg = args[0]
	}
	var good bool
	switch k {
	case kindTime:
		v.Value, good = parseTime(arg)
	case kindInt:
		v.Value, good = parseInt(arg)
	case kindFlag:
		v.Value, good = parseFlag(arg, false)
	case kindServerFlag:
		v.Value, good = parseFlag(arg, true)
	}
	if !good || len(args) != 1 { // OpenSSH 8.7+ rejects extra arguments
		v.Value, v.bad = o.Line().Value(), true
	}
	return v
}

func docPaths(res *resolve.Result) []string {
	var out []string
	for _, d := range res.Docs {
		out = append(out, d.Path)
	}
	return out
}

// NoteHomeMismatch says so when $HOME has an ssh config (homeConfig) that
// ssh will not read, because ssh reads sshReads, in the account's home
// directory of the password database.
func (r *Report) NoteHomeMismatch(sshReads, homeConfig string, fsys resolve.FS) {
	if filepath.Clean(homeConfig) == filepath.Clean(sshReads) {
		return
	}
	if _, err := fsys.Stat(homeConfig); err == nil {
		r.Add(Info, SectionClient, "", "ssh reads %s (the home directory in the password database), not %s ($HOME)", sshReads, homeConfig)
	}
}

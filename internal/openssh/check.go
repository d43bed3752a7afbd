package openssh

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"

	"github.com/keepalive-ssh/keepalive/internal/atomicfile"
)

// Checker runs sshd -t and -T. Missing or unreadable host keys must not
// make a valid configuration look invalid (sshd -t exits with "no hostkeys
// available" after parsing everything), so each run passes a throwaway
// host key with -h, made once per Checker; sshd then loads it besides the
// configured ones and only warns about those it cannot read. Should the
// key not be made, the host key failures are recognised instead (see
// environmental).
type Checker struct {
	Bin string
	// Client says Bin is ssh: Test runs `ssh -G -F FILE HOST` (ssh has
	// no -t; -G parses the whole configuration and fails on what it
	// rejects, with the same "FILE line N:" messages).
	Client  bool
	scratch *atomicfile.Scratch
	hostKey string
	copies  int // trees copied so far, each in its own subdirectory
}

// NewChecker prepares a Checker for the sshd at bin. Close removes its
// scratch directory.
func NewChecker(bin string) (*Checker, error) {
	s, err := atomicfile.NewScratch()
	if err != nil {
		return nil, fmt.Errorf("prepare sshd check: %w", err)
	}
	c := &Checker{Bin: bin, scratch: s}
	if key, err := writeHostKey(s, bin); err == nil {
		c.hostKey = key
	}
	return c, nil
}

// NewClientChecker prepares a Checker for the ssh at bin.
func NewClientChecker(bin string) (*Checker, error) {
	s, err := atomicfile.NewScratch()
	if err != nil {
		return nil, fmt.Errorf("prepare ssh check: %w", err)
	}
	return &Checker{Bin: bin, scratch: s, Client: true}, nil
}

// ValidateHost is the host ssh -G evaluates a client config for: a name
// that resolves nowhere (RFC 6761), so that no Host block is needed for
// the parse to go through every line.
const ValidateHost = "keepalive-validate.invalid"

// Close removes the Checker's scratch directory.
func (c *Checker) Close() error { return c.scratch.Close() }

// Problem is one complaint of sshd about a configuration.
type Problem struct {
	File string // "" when sshd did not say
	Line int    // 0 when sshd did not say
	Msg  string
}

// Pos returns "path:line", or the path, or "".
func (p Problem) Pos() string {
	switch {
	case p.File != "" && p.Line > 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	case p.File != "":
		return p.File
	}
	return ""
}

func (p Problem) String() string {
	if pos := p.Pos(); pos != "" {
		return pos + ": " + p.Msg
	}
	return p.Msg
}

// Rejected is the error of a configuration sshd refuses.
type Rejected struct {
	Problems []Problem
	Output   string // what sshd printed
}

func (e *Rejected) Error() string {
	var msgs []string
	for _, p := range e.Problems {
		msgs = append(msgs, p.String())
	}
	return strings.Join(msgs, "; ")
}

// Test runs `sshd -t -f config` and returns a *Rejected error when sshd
// refuses the configuration.
func (c *Checker) Test(config string) error {
	_, err := c.run("-t", config, "")
	return err
}

// Dump runs `sshd -T -f config` (with `-C spec` when spec is not empty)
// and returns the effective values by lower-case keyword; keywords sshd
// prints several times (listenaddress, hostkey, ...) keep their first
// value (Config.Get). It fails with ErrUnavailable when sshd cannot print them here.
func (c *Checker) Dump(config, spec string) (Config, error) {
	out, err := c.run("-T", config, spec)
	if err != nil {
		return nil, err
	}
	if out == "" {
		return nil, ErrUnavailable
	}
	return Parse([]byte(out)), nil
}

// ErrUnavailable says sshd checked the configuration but could not print
// it: it stops before printing when the machine lacks its privilege
// separation directory, or when no host key could be loaded.
var ErrUnavailable = errors.New("sshd -T cannot print the configuration on this machine")

func (c *Checker) run(mode, config, spec string) (string, error) {
	args := []string{mode, "-f", config}
	if c.hostKey != "" {
		args = append(args, "-h", c.hostKey)
	}
	if spec != "" {
		args = append(args, "-C", spec)
	}
	if c.Client {
		// No DNS: a CanonicalizeHostname in the config would otherwise
		// look the made-up host up in each CanonicalDomains (the lines
		// are parsed all the same).
		args = []string{"-G", "-F", config, "-o", "CanonicalizeHostname=no", ValidateHost}
	}
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.Bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		return "", fmt.Errorf("%s %s: timed out after %v", c.Bin, strings.Join(args, " "), Timeout)
	}
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		return "", fmt.Errorf("run %s: %w", c.Bin, err)
	}
	problems := parseProblems(stderr.String())
	if err == nil {
		return stdout.String(), nil
	}
	if len(problems) == 0 {
		// Only complaints about the machine, which sshd checks after
		// the configuration was parsed and its values checked: the
		// configuration itself is valid.
		return "", nil
	}
	return "", &Rejected{Problems: problems, Output: stderr.String()}
}

// environmental are messages about the machine rather than the
// configuration. sshd checks these after it parsed the whole
// configuration and filled in the options (sshd.c: host keys, host
// certificates, then the privilege separation user and directory, then
// "if (test_flag) exit(0)").
var environmental = []string{
	"Unable to load host key",
	"no hostkeys available",
	"Could not load host key",
	"Could not load host certificate",
	"Certificate file is not a certificate",
	"No matching private key for certificate",
	"Missing privilege separation directory",
	"Privilege separation user",
	"must be owned by root and not group or world-writable",
	"Permissions 0",             // "Permissions 0644 for '...' are too open"
	"UNPROTECTED PRIVATE KEY",   // same warning, banner lines
	"@@@@@@@@@@@@@@@@@@@@@@@@@", // banner
	"It is required that your private key files",
	"This private key will be ignored",
	"bad permissions",
	"sshd: no hostkeys available",
}

// lineRE matches sshd's "FILE line N: msg" and "FILE: line N: msg".
var lineRE = regexp.MustCompile(`^(.+?):? line (\d+): (.*)$`)

// parseProblems extracts the complaints about the configuration from
// sshd's standard error.
func parseProblems(stderr string) []Problem {
	var out []Problem
	for _, line := range strings.Split(stderr, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || isEnvironmental(line) {
			continue
		}
		if strings.HasSuffix(line, "bad configuration options") && strings.Contains(line, ": terminating, ") {
			continue // the summary after the lines already reported
		}
		if m := lineRE.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[2])
			out = append(out, Problem{File: m[1], Line: n, Msg: m[3]})
			continue
		}
		out = append(out, Problem{Msg: line})
	}
	return out
}

func isEnvironmental(line string) bool {
	for _, e := range environmental {
		if strings.Contains(line, e) {
			return true
		}
	}
	return false
}

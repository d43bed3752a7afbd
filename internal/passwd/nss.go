package passwd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
)

// maxOutput bounds what a program may print: one entry, or one user's
// groups.
const maxOutput = 1 << 20

// errNoProgram: the program is in none of the directories.
var errNoProgram = errors.New("program not found")

// ran is one finished run of getent or id.
type ran struct {
	cmd    string // the program's path and arguments, for messages
	out    []byte
	code   int
	stderr string
}

// run runs program, taken from the first of n.dirs that has it, with a
// fixed environment, and waits at most n.timeout. A non-zero exit is not
// an error: the caller reads the status.
func (n nss) run(program string, args ...string) (ran, error) {
	path := ""
	for _, dir := range n.dirs {
		p := filepath.Join(dir, program)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			path = p
			break
		}
	}
	if path == "" {
		return ran{}, fmt.Errorf("%s: %w in %s", program, errNoProgram, strings.Join(n.dirs, ", "))
	}
	r := ran{cmd: path + " " + strings.Join(args, " ")}
	ctx, cancel := context.WithTimeout(context.Background(), n.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = []string{"PATH=/usr/bin:/bin:/usr/sbin:/sbin", "LC_ALL=C"}
	var stdout, stderr capped
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// A child the program left behind may hold the pipes open after it is
	// killed: stop waiting for them soon after.
	cmd.WaitDelay = n.timeout / 10
	err := cmd.Run()
	if ctx.Err() != nil {
		return r, fmt.Errorf("%s did not answer within %v: a name service (LDAP, SSSD, winbind) may hang; check /etc/nsswitch.conf and that the directory service answers", r.cmd, n.timeout)
	}
	r.out, r.stderr = stdout.Bytes(), strings.TrimSpace(stderr.String())
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		return r, fmt.Errorf("run %s: %w", r.cmd, err)
	}
	if stdout.over {
		return r, fmt.Errorf("%s printed more than %d bytes; check /etc/nsswitch.conf", r.cmd, maxOutput)
	}
	return r, nil
}

// failed describes a run that exited with an unexpected status.
func (r ran) failed() error {
	msg := fmt.Sprintf("%s: exit status %d", r.cmd, r.code)
	if r.stderr != "" {
		msg += ": " + r.stderr
	}
	return errors.New(msg + "; check /etc/nsswitch.conf and that the name service answers")
}

// malformed describes output that is not what the program should print.
func (r ran) malformed(want string) error {
	out := r.out
	if len(out) > 200 {
		out = append(out[:200:200], "..."...)
	}
	return fmt.Errorf("%s printed %q, not %s; check /etc/nsswitch.conf and the name service's entry", r.cmd, out, want)
}

// getentNotFound is the status of getent for a key that its database does
// not hold.
const getentNotFound = 2

// getent runs `getent DATABASE KEY` and returns the run when it found an
// entry; unknown (what os/user said) when NSS does not know the key
// either, and an error saying what to do when getent is missing or fails.
// what names an entry of the database in that message.
func (n nss) getent(database, key, what string, unknown error) (ran, error) {
	r, err := n.run("getent", database, key)
	switch {
	case errors.Is(err, errNoProgram):
		return r, fmt.Errorf("%w (not in /etc/%s; getent, which would ask the name service (LDAP, SSSD) for it, is not in %s: install it, or add the %s to /etc/%s)",
			unknown, database, strings.Join(n.dirs, ", "), what, database)
	case err != nil:
		return r, err
	case r.code == getentNotFound:
		return r, unknown
	case r.code != 0:
		return r, r.failed()
	}
	return r, nil
}

// user asks NSS for the passwd entry of a name, or of a uid when byID.
// unknown is what os/user said; it is the answer when NSS does not know
// the account either.
func (n nss) user(key string, byID bool, unknown error) (*User, error) {
	if !plainKey(key) || byID != isDecimal(key) {
		// getent would read a number as a uid, and a leading '-' as an
		// option: no such name is looked up.
		return nil, unknown
	}
	r, err := n.getent("passwd", key, "account", unknown)
	if err != nil {
		return nil, err
	}
	const want = "one line name:password:uid:gid:gecos:home:shell with numeric ids and an absolute home"
	line, ok := oneLine(r.out)
	if !ok {
		return nil, r.malformed(want)
	}
	f := strings.Split(line, ":")
	if len(f) != 7 || f[0] == "" || !isID(f[2]) || !isID(f[3]) || !strings.HasPrefix(f[5], "/") {
		return nil, r.malformed(want)
	}
	if byID && !sameID(f[2], key) || !byID && f[0] != key {
		return nil, r.malformed("the entry of " + key)
	}
	name, _, _ := strings.Cut(f[4], ",")
	u := &User{User: user.User{Uid: canonical(f[2]), Gid: canonical(f[3]), Username: f[0], Name: name, HomeDir: f[5]}, nss: &n}
	return u, nil
}

// group asks NSS for the group entry of a gid. unknown is what os/user
// said.
func (n nss) group(gid string, unknown error) (*user.Group, error) {
	if !isDecimal(gid) {
		return nil, unknown
	}
	r, err := n.getent("group", gid, "group", unknown)
	if err != nil {
		return nil, err
	}
	line, ok := oneLine(r.out)
	f := strings.Split(line, ":")
	if !ok || len(f) != 4 || f[0] == "" || !isID(f[2]) {
		return nil, r.malformed("one line name:password:gid:members with a numeric gid")
	}
	if !sameID(f[2], gid) {
		return nil, r.malformed("the entry of gid " + gid)
	}
	return &user.Group{Gid: canonical(f[2]), Name: f[0]}, nil
}

// groupIds lists the groups of a user NSS found, its primary group first:
// getent initgroups where getent has it (glibc), else id -G.
func (n nss) groupIds(u *User) ([]string, error) {
	ids := []string{u.Gid}
	r, err := n.run("getent", "initgroups", u.Username)
	if err == nil && r.code == 0 {
		// "NAME GID GID ...", the name padded with spaces.
		f := strings.Fields(string(r.out))
		if _, ok := oneLine(r.out); !ok || len(f) == 0 || f[0] != u.Username {
			return nil, r.malformed("one line: the user's name, then group ids")
		}
		return appendIDs(ids, f[1:], r)
	}
	if err != nil && !errors.Is(err, errNoProgram) {
		return nil, err
	}
	// No getent, or one without the initgroups database (musl): id -G.
	r, err = n.run("id", "-G", u.Username)
	switch {
	case errors.Is(err, errNoProgram):
		return nil, fmt.Errorf("groups of %s: neither getent initgroups nor id is in %s: install getent (glibc's libc-bin) or id (coreutils)", u.Username, strings.Join(n.dirs, ", "))
	case err != nil:
		return nil, err
	case r.code != 0:
		return nil, r.failed()
	}
	if _, ok := oneLine(r.out); !ok {
		return nil, r.malformed("one line of group ids")
	}
	return appendIDs(ids, strings.Fields(string(r.out)), r)
}

// appendIDs adds the group ids printed by r to ids, each once.
func appendIDs(ids, printed []string, r ran) ([]string, error) {
	for _, id := range printed {
		if !isID(id) {
			return nil, r.malformed("numeric group ids")
		}
		if id = canonical(id); !contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// oneLine returns out as a single line: no newline but a final one.
func oneLine(out []byte) (string, bool) {
	s := strings.TrimSuffix(string(out), "\n")
	return s, s != "" && !strings.ContainsAny(s, "\n\x00")
}

// plainKey reports whether key can be passed to getent as a name or id.
func plainKey(key string) bool {
	return key != "" && key[0] != '-' && !strings.ContainsAny(key, ":\n\x00") && strings.TrimSpace(key) == key
}

func isDecimal(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isID reports whether s is a uid or gid: a decimal number of 32 bits.
func isID(s string) bool {
	_, err := strconv.ParseUint(s, 10, 32)
	return err == nil && isDecimal(s)
}

func canonical(id string) string {
	n, _ := strconv.ParseUint(id, 10, 32)
	return strconv.FormatUint(n, 10)
}

func sameID(a, b string) bool {
	x, errA := strconv.ParseUint(a, 10, 32)
	y, errB := strconv.ParseUint(b, 10, 32)
	return errA == nil && errB == nil && x == y
}

// capped is a buffer that keeps at most maxOutput bytes.
type capped struct {
	bytes.Buffer
	over bool
}

func (c *capped) Write(p []byte) (int, error) {
	n := len(p)
	if room := maxOutput - c.Len(); len(p) > room {
		c.over = true
		p = p[:max(room, 0)]
	}
	c.Buffer.Write(p)
	return n, nil
}

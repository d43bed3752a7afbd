package openssh

// What the real OpenSSH makes of a configuration: `ssh -G` for the client
// and `sshd -T` for the server print every effective value after
// evaluating Host, Match and Include. keepalive uses them for `show
// --verify` and after an edit; its tests use them as the reference.
//
// Running ssh -G executes the commands of reachable `Match exec` blocks;
// callers decide whether that is acceptable before calling SSH.

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
)

// Config is what ssh -G or sshd -T printed: lower-case keyword to the
// values of its lines (keywords such as sendenv print one line per value).
type Config map[string][]string

// Get returns the first value printed for key (any case), or "".
func (c Config) Get(key string) string {
	if v := c[strings.ToLower(key)]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// Parse reads "keyword value" lines.
func Parse(out []byte) Config {
	c := Config{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	for sc.Scan() {
		k, v, _ := strings.Cut(strings.TrimRight(sc.Text(), "\r"), " ")
		if k == "" {
			continue
		}
		k = strings.ToLower(k)
		c[k] = append(c[k], v)
	}
	return c
}

// Sandbox runs a program in a private mount namespace (`unshare -m`, Linux,
// as root) with directories bind-mounted over others, so that ssh reads a
// test layout at its real paths: /etc/ssh, the home directory.
type Sandbox struct {
	// Binds maps a directory to mount (the source) to where it appears
	// (the target, which must exist).
	Binds map[string]string
}

// SSHQuery is one `ssh -G` run.
type SSHQuery struct {
	Bin  string // default: Find("ssh")
	File string // -F: read only this file
	Host string
	User string // -l, if set
	// Env replaces the environment when not nil (HOME decides where '~'
	// in Include points).
	Env     []string
	Sandbox *Sandbox
}

// SSH runs `ssh -G [-F file] [-l user] host`.
func SSH(ctx context.Context, q SSHQuery) (Config, error) {
	bin, err := program(q.Bin, "ssh")
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(q.Host, "-") || q.Host == "" {
		return nil, fmt.Errorf("ssh -G: invalid host %q", q.Host)
	}
	args := []string{"-G"}
	if q.File != "" {
		args = append(args, "-F", q.File)
	}
	if q.User != "" {
		args = append(args, "-l", q.User)
	}
	args = append(args, q.Host)
	return run(ctx, q.Sandbox, q.Env, bin, args)
}

// SSHDQuery is one `sshd -T` run.
type SSHDQuery struct {
	Bin  string // default: Find("sshd")
	File string // -f: the config to test instead of the default
	// Conn is a -C connection spec ("user=bob,host=h,addr=1.2.3.4"); empty
	// dumps the global values, where only "Match all" blocks apply.
	Conn string
	// HostKey is passed with -h. sshd refuses to test a config without a
	// readable host key; NewHostKey makes one.
	HostKey string
	Env     []string
	Sandbox *Sandbox
}

// SSHD runs `sshd -T [-f file] [-h key] [-C spec]`.
func SSHD(ctx context.Context, q SSHDQuery) (Config, error) {
	bin, err := program(q.Bin, "sshd")
	if err != nil {
		return nil, err
	}
	args := []string{"-T"}
	if q.File != "" {
		args = append(args, "-f", q.File)
	}
	if q.HostKey != "" {
		args = append(args, "-h", q.HostKey)
	}
	if q.Conn != "" {
		args = append(args, "-C", q.Conn)
	}
	return run(ctx, q.Sandbox, q.Env, bin, args)
}

// program is bin, or the installed program name.
func program(bin, name string) (string, error) {
	if bin != "" {
		return bin, nil
	}
	return Find(name)
}

func run(ctx context.Context, sb *Sandbox, env []string, bin string, args []string) (Config, error) {
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	name, argv := bin, args
	if sb != nil {
		name, argv = sb.wrap(bin, args)
	}
	cmd := exec.CommandContext(ctx, name, argv...)
	cmd.Env = env
	cmd.Stdin = nil
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	what := filepath.Base(bin) + " " + strings.Join(args, " ")
	if ctx.Err() != nil {
		return nil, fmt.Errorf("%s: %w", what, ctx.Err())
	}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		return nil, &Failed{Command: what, Stderr: stderr.String(), Status: exitErr.ExitCode()}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return Parse(stdout.Bytes()), nil
}

// Failed is the error of ssh -G or sshd -T exiting with an error status.
type Failed struct {
	Command string // "ssh -G -F FILE HOST"
	Stderr  string
	Status  int
}

func (e *Failed) Error() string {
	msg := strings.TrimSpace(e.Stderr)
	if msg == "" {
		msg = fmt.Sprintf("exit status %d", e.Status)
	}
	return e.Command + ": " + firstLines(msg, 5)
}

// Problems are the complaints about the configuration, each with the
// path:line the program named (none when it failed for another reason).
func (e *Failed) Problems() []Problem { return parseProblems(e.Stderr) }

// NeedsConnection reports that sshd -T refused to print global values
// because the config has Match LocalPort/LocalAddress criteria that only a
// connection spec (-C) can answer.
func (e *Failed) NeedsConnection() bool {
	return strings.Contains(e.Stderr, "not in connection test specification")
}

// wrap runs bin inside `unshare -m` after the bind mounts. Arguments reach
// the shell as positional parameters, never as shell text.
func (sb *Sandbox) wrap(bin string, args []string) (string, []string) {
	var script strings.Builder
	script.WriteString("set -e; ")
	var params []string
	n := 0
	for src, dst := range sb.Binds {
		fmt.Fprintf(&script, `mount --bind "${%d}" "${%d}"; `, n+1, n+2)
		params = append(params, src, dst)
		n += 2
	}
	fmt.Fprintf(&script, `shift %d; exec "$@"`, n)
	argv := append([]string{"-m", "sh", "-c", script.String(), "sh"}, params...)
	argv = append(argv, bin)
	return "unshare", append(argv, args...)
}

func firstLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = append(lines[:n], "...")
	}
	return strings.Join(lines, "; ")
}

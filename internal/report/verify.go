package report

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/keepalive-ssh/keepalive/internal/openssh"
	"github.com/keepalive-ssh/keepalive/internal/resolve"
)

// VerifyOptions say how to run the real programs for Verify.
type VerifyOptions struct {
	// Find finds an OpenSSH program ("ssh", "sshd").
	Find func(name string) (string, error)
	// ClientFile is ssh -F (only that file); "" for ssh's own chain.
	ClientFile string
	// ServerFile is sshd -f.
	ServerFile string
	// AllowExec lets ssh -G run a config's Match exec commands.
	AllowExec bool
	// Root is --root: a directory ssh and sshd cannot be made to read.
	Root string
}

// Verify cross-checks the report with the real ssh -G and sshd -T and adds
// what it finds. It returns true when a program disagrees with keepalive.
func (r *Report) Verify(o VerifyOptions) bool {
	if o.Root != "" && filepath.Clean(o.Root) != "/" {
		r.Add(Info, SectionClient, "", "not verified: ssh and sshd cannot be made to read a --root directory")
		return false
	}
	ctx := context.Background()
	disagree := false
	if c := r.Client; c != nil {
		// ssh -G runs Match exec commands: only on a config keepalive
		// evaluated completely (no Match exec in any spelling, no Include
		// it skipped), unless allowed.
		if !c.Result.Complete() && !o.AllowExec {
			why := c.Result.Incomplete[0]
			r.Add(Warning, SectionClient, why.Pos, "not verified with ssh -G: keepalive did not evaluate this config completely (%s), and ssh -G would run any Match exec command in it; --verify=exec allows that", why.Msg)
		} else {
			bin, err := o.Find("ssh")
			var cfg openssh.Config
			if err == nil {
				cfg, err = openssh.SSH(ctx, openssh.SSHQuery{Bin: bin, File: o.ClientFile, Host: c.Host})
			}
			disagree = r.compare(SectionClient, "ssh -G", cfg, err, &c.Rejected, c.values())
		}
	}
	if sv := r.Server; sv != nil {
		prog := "sshd -T"
		if sv.Connection != "" {
			prog += " -C " + sv.Connection
		}
		cfg, err := sshdDump(ctx, o, sv.Connection)
		disagree = r.compare(SectionServer, prog, cfg, err, &sv.Rejected, sv.values()) || disagree
	}
	return disagree
}

// sshdDump runs sshd -T with a throwaway host key, since sshd refuses to
// test a config without one it can read.
func sshdDump(ctx context.Context, o VerifyOptions, conn string) (openssh.Config, error) {
	bin, err := o.Find("sshd")
	if err != nil {
		return nil, err
	}
	key, err := openssh.NewHostKey(bin)
	if err != nil {
		return nil, err
	}
	defer key.Close()
	return openssh.SSHD(ctx, openssh.SSHDQuery{Bin: bin, File: o.ServerFile, HostKey: key.Path, Conn: conn})
}

// compare checks keepalive's values against what the real program printed.
// A program that refuses the config sets *rejected (when keepalive had not
// found a reason itself) to its own first complaint, so that show fails.
func (r *Report) compare(sec Section, prog string, cfg openssh.Config, err error, rejected *string, vals []keyed) bool {
	var failed *openssh.Failed
	switch {
	case errors.Is(err, openssh.ErrNotFound):
		r.Add(Info, sec, "", "not verified: %v", err)
		return false
	case errors.As(err, &failed) && failed.NeedsConnection():
		// Match LocalPort: sshd -T has no global view to print, and
		// sshd -T -C needs lport= for it.
		r.Add(Info, sec, "", "not verified: %s cannot print values for this config without the connection's local port (lport=): %v", prog, err)
		return false
	case errors.As(err, &failed) && len(failed.Problems()) > 0:
		// The program refuses the config: say so with its own path:line,
		// which is not a disagreement with keepalive.
		for _, p := range failed.Problems() {
			r.Add(Error, sec, p.Pos(), "%s rejects this config: %s", strings.Fields(prog)[0], p.Msg)
		}
		if p := failed.Problems()[0]; *rejected == "" {
			*rejected = strings.TrimPrefix(p.Pos()+": "+p.Msg, ": ")
		}
		return false
	case *rejected != "" && err == nil:
		r.Add(Error, sec, "", "%s accepts this config, but keepalive says %s rejects it (%s)", prog, strings.Fields(prog)[0], *rejected)
		return true
	case err != nil:
		r.Add(Error, sec, "", "verification failed: %v", err)
		return true
	}
	bad := false
	for _, kv := range vals {
		v := kv.v
		if got := cfg.Get(kv.key); got != v.String() {
			r.Add(Error, sec, v.Source, "%s says %s %s, keepalive computed %s (from %s)", prog, kv.key, got, v.String(), v.Source)
			bad = true
		}
	}
	if !bad {
		r.Add(Info, sec, "", "verified: %s agrees", prog)
	}
	return bad
}

// keyed is a value with its lower-case keyword, as ssh -G prints it.
type keyed struct {
	key string
	v   Value
}

// keyedValues are values in the order of keys.
func keyedValues(keys []reportedKey, vals map[string]Value) []keyed {
	out := make([]keyed, 0, len(keys))
	for _, k := range keys {
		out = append(out, keyed{k.key, vals[k.key]})
	}
	return out
}

// values are the client's values in the order show prints them.
func (c *Client) values() []keyed { return keyedValues(clientKeys, c.byKey) }

// values are the server's values in the order show prints them.
func (s *Server) values() []keyed { return keyedValues(serverKeys, s.byKey) }

// InstalledVersion is the installed ssh's release, whose semantics the
// resolver follows where releases differ; unknown when there is none.
func InstalledVersion() resolve.Version {
	v, err := openssh.InstalledVersion()
	if err != nil {
		return resolve.Version{}
	}
	// openssh.Version has no patch level: "Match version" patterns with
	// one (OpenSSH_10.0p2) need it.
	return resolve.Version{Major: v.Major, Minor: v.Minor, Debian: v.Debian,
		Release: fmt.Sprintf("OpenSSH_%d.%d", v.Major, v.Minor), Text: v.String()}
}

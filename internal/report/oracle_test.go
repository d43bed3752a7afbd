package report

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/openssh"
	"github.com/keepalive-ssh/keepalive/internal/placement"
	"github.com/keepalive-ssh/keepalive/internal/resolve"
	"github.com/keepalive-ssh/keepalive/internal/sshconf"
	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// acceptedCorpus returns the corpus files of kind ("client", "server")
// that SOURCES.tsv records the real ssh -G / sshd -t as accepting.
func acceptedCorpus(t *testing.T, kind string) []string {
	t.Helper()
	dir := testenv.Corpus(t)
	f, err := os.Open(filepath.Join(dir, "SOURCES.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 6 || !strings.HasPrefix(cols[0], kind+"/") {
			continue
		}
		notes := strings.Split(cols[len(cols)-1], "|")
		if verdict := notes[len(notes)-1]; strings.Contains(verdict, ": OK") {
			out = append(out, filepath.Join(dir, cols[0]))
		}
	}
	if len(out) == 0 {
		t.Fatalf("SOURCES.tsv lists no accepted %s file", kind)
	}
	return out
}

// corpusHosts returns host names to query a client file for: the first
// pattern without wildcard or negation of each Host line, and the probe
// host that only general blocks match.
func corpusHosts(f *sshconf.File) []string {
	hosts := []string{placement.ProbeHost("*")}
	seen := map[string]bool{hosts[0]: true}
	for _, l := range f.Lines {
		if !l.Is("Host") {
			continue
		}
		for _, p := range l.Args() {
			if strings.ContainsAny(p, "*?!") || p == "" {
				continue
			}
			if !seen[p] && !strings.HasPrefix(p, "-") {
				seen[p] = true
				hosts = append(hosts, p)
			}
			break
		}
	}
	return hosts
}

func localUser(t *testing.T) string {
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	return u.Username
}

// envWithHome is the environment with HOME replaced, so that '~' in an
// Include points into a sandbox for ssh as for keepalive.
func envWithHome(home string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "HOME=") {
			env = append(env, kv)
		}
	}
	return append(env, "HOME="+home)
}

// TestClientCorpusAgainstSSH compares the client values show reports for
// every accepted corpus file with what `ssh -G -F FILE HOST` prints.
func TestClientCorpusAgainstSSH(t *testing.T) {
	ssh := testenv.Tool(t, "ssh")
	me := localUser(t)
	for _, file := range acceptedCorpus(t, "client") {
		t.Run(filepath.Base(file), func(t *testing.T) {
			t.Parallel()
			home := t.TempDir()
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			for _, host := range corpusHosts(sshconf.Parse(data)) {
				opts := resolve.Options{
					Dialect: sshconf.Client, Home: home, Host: host, LocalUser: me,
					Files: []resolve.Input{{Path: file, User: true}},
				}
				rep := Build(Options{Client: &opts})
				if pos := MatchExec(rep.Client.Result); pos != "" {
					t.Skipf("%s: Match exec: ssh -G would run it", pos)
				}
				cfg, err := openssh.SSH(context.Background(), openssh.SSHQuery{Bin: ssh, File: file, Host: host, Env: envWithHome(home)})
				if err != nil {
					t.Fatalf("host %s: %v", host, err)
				}
				c := rep.Client
				for _, d := range disagreements(c, nil, cfg, "ssh -G") {
					t.Errorf("host %s: %s", host, d)
				}
			}
		})
	}
}

// TestServerCorpusAgainstSSHD compares the server values with what
// `sshd -T -f FILE` prints.
func TestServerCorpusAgainstSSHD(t *testing.T) {
	sshd := testenv.Tool(t, "sshd")
	hk, err := openssh.NewHostKey(sshd)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hk.Close() })
	key := hk.Path
	for _, file := range acceptedCorpus(t, "server") {
		t.Run(filepath.Base(file), func(t *testing.T) {
			t.Parallel()
			opts := resolve.Options{Dialect: sshconf.Server, Files: []resolve.Input{{Path: file}}}
			q := openssh.SSHDQuery{Bin: sshd, File: file, HostKey: key}
			cfg, err := openssh.SSHD(context.Background(), q)
			if err != nil && strings.Contains(err.Error(), "not in connection test specification") {
				// sshd -T cannot dump a config with Match LocalPort or
				// LocalAddress without -C: give it a connection that
				// matches no such block, and evaluate the same one.
				q.Conn = "laddr=192.0.2.2,lport=1"
				opts.Conn = &resolve.Conn{LAddr: "192.0.2.2", LPort: "1"}
				cfg, err = openssh.SSHD(context.Background(), q)
			}
			if err != nil {
				t.Fatal(err)
			}
			rep := Build(Options{Server: &opts})
			if rep.Server == nil {
				t.Fatalf("no server section: %v", rep.Warnings)
			}
			s := rep.Server
			for _, d := range disagreements(nil, s, cfg, "sshd -T") {
				t.Errorf("%s", d)
			}
		})
	}
}

// disagreements compares what show reports for a client (ssh -G names) or
// server (sshd -T names) with the oracle's output, one line per difference.
func disagreements(c *Client, s *Server, cfg openssh.Config, tool string) []string {
	var vals []keyed
	if c != nil {
		vals = append(vals, c.values()...)
	}
	if s != nil {
		vals = append(vals, s.values()...)
	}
	var out []string
	for _, kv := range vals {
		if got, want := kv.v.String(), cfg.Get(kv.key); got != want {
			out = append(out, fmt.Sprintf("%s = %s (from %s), %s says %s", kv.key, got, kv.v.Source, tool, want))
		}
	}
	return out
}

package report

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/openssh"
	"github.com/keepalive-ssh/keepalive/internal/resolve"
	"github.com/keepalive-ssh/keepalive/internal/sshconf"
	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// randomConfig writes a main config and two Included files made of the
// constructs that decide which keep-alive line wins: Host and Match blocks
// (host, originalhost, user, localuser, all, final, canonical, negation),
// HostName, Include inside and outside blocks, aliases, time formats.
func randomConfig(r *rand.Rand, dir, user string) string {
	paths := []string{filepath.Join(dir, ".ssh", "config"), filepath.Join(dir, ".ssh", "inc1"), filepath.Join(dir, ".ssh", "inc2")}
	if err := os.MkdirAll(filepath.Join(dir, ".ssh"), 0o700); err != nil {
		panic(err)
	}
	headers := []string{
		"Host *", "Host a", "Host a*", "Host !a *", "Host b?", "Host A", "Host *.x", "Host a b1",
		"Match host a*", "Match originalhost a", "Match all", "Match final", "Match canonical",
		"Match !host a*", "Match user " + user, "Match localuser nobody", "Match final host *.x",
		"Match host c.x originalhost a", "Match final all",
		"HOST a", "Host=b1", "Host \"a\"", "Match Host a,!b1", "Match host \"*.x,b?\"", "match ORIGINALHOST A",
		"Match canonical host a", "Match !final", "Host a,b1", "Match user nobody host *",
	}
	directives := []string{
		"ServerAliveInterval 10", "ServerAliveInterval 2m", "ServerAliveInterval 0", "ServerAliveInterval 1m30",
		"ServerAliveCountMax 1", "ServerAliveCountMax 7", "TCPKeepAlive no", "TCPKeepAlive yes",
		"KeepAlive no", "ProtocolKeepAlives 45", "HostName c.x", "HostName %h.x", "HostName A.X",
		"serveraliveinterval=33", "User nobody", "ServerAliveInterval \"20\"", "SERVERALIVECOUNTMAX = 4",
		"TCPKeepAlive\tno", "ServerAliveInterval 5 # trailing comment", "Include inc*", "Include ~/.ssh/inc2",
	}
	for fi, p := range paths {
		var b strings.Builder
		n := 2 + r.IntN(8)
		for range n {
			switch k := r.IntN(10); {
			case k < 3:
				b.WriteString(headers[r.IntN(len(headers))] + "\n")
			case k == 3 && fi < 2:
				b.WriteString("Include " + paths[fi+1] + "\n")
			default:
				b.WriteString("    " + directives[r.IntN(len(directives))] + "\n")
			}
		}
		if err := os.WriteFile(p, []byte(b.String()), 0o600); err != nil {
			panic(err)
		}
	}
	return paths[0]
}

// TestRandomConfigsAgainstSSH evaluates random configs for several hosts
// and compares the three client values with ssh -G.
func TestRandomConfigsAgainstSSH(t *testing.T) {
	ssh := testenv.Tool(t, "ssh")
	me := localUser(t)
	n := 40
	if testing.Short() {
		n = 20
	}
	r := rand.New(rand.NewPCG(4, 2))
	for i := range n {
		dir := t.TempDir()
		main := randomConfig(r, dir, me)
		for _, host := range []string{"a", "b1", "A", "c.x", "a.x", "keepalive-probe.invalid"} {
			opts := resolve.Options{Dialect: sshconf.Client, Home: dir, Host: host, LocalUser: me,
				Files: []resolve.Input{{Path: main, User: true}}}
			rep := Build(Options{Client: &opts})
			c := rep.Client
			cfg, err := openssh.SSH(context.Background(), openssh.SSHQuery{Bin: ssh, File: main, Host: host, Env: envWithHome(dir)})
			if err != nil {
				// ssh refuses the config (an Include loop): show must
				// say so too.
				if !rep.Has(Error) {
					t.Errorf("config %d host %s: ssh -G fails (%v), show reports no error\n%s", i, host, err, dumpConfig(dir))
				}
				continue
			}
			for _, d := range disagreements(c, nil, cfg, "ssh -G") {
				t.Errorf("config %d, host %s: %s\n%s", i, host, d, dumpConfig(dir))
			}
		}
	}
}

func dumpConfig(dir string) string {
	var b strings.Builder
	for _, name := range []string{"config", "inc1", "inc2"} {
		data, _ := os.ReadFile(filepath.Join(dir, ".ssh", name))
		fmt.Fprintf(&b, "--- %s\n", name)
		for i, l := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
			fmt.Fprintf(&b, "%3d %s\n", i+1, l)
		}
	}
	return b.String()
}

// globalIncludes lets randomServerConfig put an Include before the first
// Match of a file, the Debian/Ubuntu layout whose drop-ins may hold Match
// blocks of their own (see TestResolverServerIncludeMatch).
const globalIncludes = true

// randomServerConfig writes an sshd_config and two Included files.
func randomServerConfig(r *rand.Rand, dir string) string {
	paths := []string{filepath.Join(dir, "sshd_config"), filepath.Join(dir, "inc1.conf"), filepath.Join(dir, "inc2.conf")}
	headers := []string{"Match all", "Match User bob", "Match User alice,!bob", "Match Address 10.0.0.0/8",
		"Match Host *.example", "Match LocalPort 2222", "Match Group wheel", "match ALL", "Match User *"}
	directives := []string{"ClientAliveInterval 15", "ClientAliveInterval 3m", "ClientAliveInterval 0",
		"ClientAliveCountMax 0", "ClientAliveCountMax 5", "clientalivecountmax=2", "PermitRootLogin no"}
	globalOnly := []string{"TCPKeepAlive no", "KeepAlive yes", "TCPKeepAlive yes"}
	for fi, p := range paths {
		var b strings.Builder
		inMatch := false
		for range 2 + r.IntN(7) {
			switch k := r.IntN(10); {
			case k < 2:
				b.WriteString(headers[r.IntN(len(headers))] + "\n")
				inMatch = true
			case k == 2 && fi < 2 && (inMatch || globalIncludes):
				b.WriteString("Include " + paths[fi+1] + "\n")
			case k == 3 && !inMatch && fi == 0:
				b.WriteString(globalOnly[r.IntN(len(globalOnly))] + "\n")
			default:
				b.WriteString(directives[r.IntN(len(directives))] + "\n")
			}
		}
		if err := os.WriteFile(p, []byte(b.String()), 0o600); err != nil {
			panic(err)
		}
	}
	return paths[0]
}

// TestRandomServerConfigsAgainstSSHD compares random sshd configs with
// sshd -T: the global view, and one connection given with -C.
func TestRandomServerConfigsAgainstSSHD(t *testing.T) {
	sshd := testenv.Tool(t, "sshd")
	hk, err := openssh.NewHostKey(sshd)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hk.Close() })
	key := hk.Path
	r := rand.New(rand.NewPCG(7, 1))
	for i := range 40 {
		dir := t.TempDir()
		main := randomServerConfig(r, dir)
		for _, conn := range []*resolve.Conn{
			nil,
			{User: "bob", Host: "h.example", Addr: "10.1.2.3", LAddr: "192.0.2.1", LPort: "2222"},
		} {
			q := openssh.SSHDQuery{Bin: sshd, File: main, HostKey: key}
			if conn != nil {
				q.Conn = fmt.Sprintf("user=%s,host=%s,addr=%s,laddr=%s,lport=%s", conn.User, conn.Host, conn.Addr, conn.LAddr, conn.LPort)
			}
			cfg, err := openssh.SSHD(context.Background(), q)
			if err != nil {
				if strings.Contains(err.Error(), "not in connection test specification") {
					continue // Match LocalPort without -C
				}
				t.Errorf("config %d: %v\n%s", i, err, dumpFiles(main))
				continue
			}
			opts := resolve.Options{Dialect: sshconf.Server, Files: []resolve.Input{{Path: main}}, Conn: conn}
			s := Build(Options{Server: &opts}).Server
			for _, d := range disagreements(nil, s, cfg, "sshd -T") {
				t.Errorf("config %d, conn %+v: %s\n%s", i, conn, d, dumpFiles(main))
			}
		}
	}
}

func dumpFiles(main string) string {
	var b strings.Builder
	for _, name := range []string{"sshd_config", "inc1.conf", "inc2.conf"} {
		data, _ := os.ReadFile(filepath.Join(filepath.Dir(main), name))
		fmt.Fprintf(&b, "--- %s\n", name)
		for i, l := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
			fmt.Fprintf(&b, "%3d %s\n", i+1, l)
		}
	}
	return b.String()
}

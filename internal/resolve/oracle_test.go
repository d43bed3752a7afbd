package resolve

import (
	"context"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/openssh"
	"github.com/keepalive-ssh/keepalive/internal/sshconf"
	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// The real programs this package's tests consult, in one place.

// installedVersion is the installed ssh's version, as keepalive reads it.
func installedVersion(t *testing.T, ssh string) Version {
	t.Helper()
	out, err := exec.Command(ssh, "-V").CombinedOutput()
	if err != nil {
		t.Fatalf("ssh -V: %v: %s", err, out)
	}
	v := ParseVersion(string(out))
	if !v.Known() {
		t.Fatalf("ssh -V: no version in %q", out)
	}
	return v
}

// realSSH runs ssh -G -F cfg host: the value of key, or ok false when ssh
// refuses the config.
func realSSH(t *testing.T, ssh, cfg, host, key string) (string, bool, string) {
	t.Helper()
	c, err := openssh.SSH(context.Background(), openssh.SSHQuery{Bin: ssh, File: cfg, Host: host})
	if err != nil {
		return "", false, err.Error()
	}
	return c.Get(key), true, ""
}

// realSSHD runs sshd -T -f cfg [-C conn] with a throwaway host key.
func realSSHD(t *testing.T, sshd, cfg, conn, key string) (string, bool, string) {
	t.Helper()
	hostKey, err := openssh.NewHostKey(sshd)
	if err != nil {
		t.Fatal(err)
	}
	defer hostKey.Close()
	hk := hostKey.Path
	c, err := openssh.SSHD(context.Background(), openssh.SSHDQuery{Bin: sshd, File: cfg, HostKey: hk, Conn: conn})
	if err != nil {
		return "", false, err.Error()
	}
	return c.Get(key), true, ""
}

// TestMatchAgainstSSH: Match lines in their many spellings, evaluated by
// keepalive following the installed release, and by the installed ssh -G:
// same value, and refused by both or neither.
func TestMatchAgainstSSH(t *testing.T) {
	ssh := testenv.Tool(t, "ssh")
	v := installedVersion(t, ssh)
	lines := []string{
		"host=b", "host = b", "Host=b,c", "host=m !user xxxyfake", "host=b !user=nobody",
		`host "b"`, `host "b c"`, `host 'b'`, `host b"x y"z`, "host b # comment", "!host=a",
		"host", "host #b", "all", "!all", "final all", "host b all", "all host b", "canonical final all",
		"bogus b", "tagged b", "version OpenSSH_*", "originalhost=b user=*", "localuser=nobody",
		`host b "" user x`, "host=b\r", "host b\ruser=*",
	}
	for _, line := range lines {
		cfg := filepath.Join(t.TempDir(), "config")
		os.WriteFile(cfg, []byte("Match "+line+"\n  ServerAliveInterval 202\nHost *\n  ServerAliveInterval 5\n"), 0o600)
		r := Resolve(Options{Files: []Input{{Path: cfg, User: true}}, Host: "b", LocalUser: currentUser(t), Version: fixed(v)})
		got := "5"
		if o, ok := r.Effective("serveraliveinterval"); ok {
			got = o.Line().Value()
		}
		want, accepted, msg := realSSH(t, ssh, cfg, "b", "serveraliveinterval")
		if accepted != (r.Rejected() == nil) {
			t.Errorf("Match %q: ssh -G accepts: %v (%s); keepalive rejects: %v", line, accepted, msg, r.Rejected())
			continue
		}
		if accepted && got != want {
			t.Errorf("Match %q: ssh -G says %s, keepalive %s", line, want, got)
		}
	}
}

// TestServerMatchAgainstSSHD: sshd Match lines and connection specs,
// evaluated by keepalive and by the installed sshd -T -C.
func TestServerMatchAgainstSSHD(t *testing.T) {
	ssh := testenv.Tool(t, "ssh")
	sshd := testenv.Tool(t, "sshd")
	v := installedVersion(t, ssh)
	lines := []string{
		"User u1", "user=u1", "User=u1 Host=b", "user u1,!u2 host *.example.com", "Host B", "!User u1",
		"Address 10.0.0.0/8", "Address=10.0.0.0/8,!10.9.9.9", "Address 10.0.1.0/8", "Address 1.2.3.4/33",
		"Address 10.0.0.*", "Address 1.2.3.4/129", "Address ,10.0.0.1", "LocalAddress 192.168.0.0/16",
		"LocalPort 2222", "localport=22", "RDomain r1", "all", "all user u1", "User u1 all",
		"User", `User "u1"`, `User 'u1'`, "User u1 # comment", "bogus x", "User=u1\r",
	}
	conns := []string{
		"user=u1,host=b,addr=10.1.2.3,laddr=192.168.1.1,lport=22,rdomain=r1",
		"user=u2,host=x.example.com,addr=10.9.9.9,lport=2222",
		"user=u1,addr=1.2.3.4,lport=22",
		"",
	}
	for _, line := range lines {
		cfg := filepath.Join(t.TempDir(), "sshd_config")
		os.WriteFile(cfg, []byte("ClientAliveInterval 1\nMatch "+line+"\n  ClientAliveInterval 2\n"), 0o600)
		for _, spec := range conns {
			conn, err := ParseConn(spec)
			if err != nil {
				t.Fatal(err)
			}
			r := Resolve(Options{Dialect: sshconf.Server, Files: []Input{{Path: cfg}}, Conn: conn, Version: fixed(v)})
			got := "0"
			if o, ok := r.Effective("clientaliveinterval"); ok {
				got = o.Line().Value()
			}
			want, accepted, msg := realSSHD(t, sshd, cfg, spec, "clientaliveinterval")
			kaAccepts := r.Rejected() == nil && r.Complete()
			if accepted != kaAccepts {
				t.Errorf("Match %q, -C %q: sshd -T accepts: %v (%s); keepalive: rejected %v, incomplete %v", line, spec, accepted, msg, r.Rejected(), r.Incomplete)
				continue
			}
			if accepted && got != want {
				t.Errorf("Match %q, -C %q: sshd -T says %s, keepalive %s", line, spec, want, got)
			}
		}
	}
}

func currentUser(t *testing.T) string {
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	out, err := exec.Command("id", "-un").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

// TestKeywordsAgainstReal: keywords the installed release does not know,
// or (sshd) does not allow inside Match, are refused by keepalive exactly
// when the real program refuses them.
func TestKeywordsAgainstReal(t *testing.T) {
	ssh := testenv.Tool(t, "ssh")
	sshd := testenv.Tool(t, "sshd")
	v := installedVersion(t, ssh)
	for _, cfgText := range []string{
		"Tag x\n", "FooBar 1\n", "IgnoreUnknown foo*,bar\nFooBar 1\n", "FooBar 1\nIgnoreUnknown foo*\n",
		"ChannelTimeout session=5\n", "EnableEscapeCommandline yes\n", "ProtocolKeepAlives 5\n",
		"GSSAPIKeyExchange yes\n", "Host x\n  NoSuchOption 1\n", "Match host y\n  Include /nonexistent/*\n",
	} {
		cfg := filepath.Join(t.TempDir(), "config")
		os.WriteFile(cfg, []byte(cfgText), 0o600)
		r := Resolve(Options{Files: []Input{{Path: cfg, User: true}}, Host: "b", Version: fixed(v)})
		_, accepted, msg := realSSH(t, ssh, cfg, "b", "port")
		if accepted != (r.Rejected() == nil) {
			t.Errorf("ssh config %q: ssh -G accepts: %v (%s); keepalive rejects: %v", cfgText, accepted, msg, r.Rejected())
		}
	}
	for _, cfgText := range []string{
		"Match User x\n  Port 22\n", "Match User x\n  ClientAliveInterval 5\n", "Match User x\n  TCPKeepAlive no\n",
		"PerSourcePenalties yes\n", "DebianBanner no\n", "Host x\n", "UnusedConnectionTimeout 5\n",
		"Match User x\n  Include " + os.DevNull + "\n",
	} {
		cfg := filepath.Join(t.TempDir(), "sshd_config")
		os.WriteFile(cfg, []byte(cfgText), 0o600)
		r := Resolve(Options{Dialect: sshconf.Server, Files: []Input{{Path: cfg}}, Version: fixed(v)})
		_, accepted, msg := realSSHD(t, sshd, cfg, "", "port")
		if accepted != (r.Rejected() == nil) {
			t.Errorf("sshd config %q: sshd -T accepts: %v (%s); keepalive rejects: %v", cfgText, accepted, msg, r.Rejected())
		}
	}
}

// TestRandomMatchAgainstReal: random Match lines built from the pieces
// OpenSSH's tokenizers treat specially (=, quotes, !, commas, wildcards,
// comments, carriage returns) never disagree with the installed ssh -G and
// sshd -T -C on acceptance or value. Nothing in them can spell exec.
func TestRandomMatchAgainstReal(t *testing.T) {
	ssh := testenv.Tool(t, "ssh")
	sshd := testenv.Tool(t, "sshd")
	v := installedVersion(t, ssh)
	me := currentUser(t)
	clientAttrs := []string{"host", "Host", "!host", "originalhost", "user", "!user", "localuser", "all", "!all", "final", "canonical", "HOST", "bogus"}
	serverAttrs := []string{"user", "User", "host", "address", "Address", "localport", "rdomain", "all", "group", "!user"}
	values := []string{"b", "b,c", "!b,*", "*", "?", me, "nobody", "10.0.0.0/8", "10.0.1.0/8", "10.1.2.3", "22", "x*", "B"}
	seps := []string{" ", "=", " = ", "= ", " =", "\t", "  "}
	quote := func(r *rand.Rand, s string) string {
		switch r.Intn(6) {
		case 0:
			return `"` + s + `"`
		case 1:
			return "'" + s + "'"
		}
		return s
	}
	gen := func(r *rand.Rand, attrs []string) string {
		var b strings.Builder
		for n := 1 + r.Intn(3); n > 0; n-- {
			if b.Len() > 0 {
				b.WriteString(" ")
			}
			b.WriteString(quote(r, attrs[r.Intn(len(attrs))]))
			if r.Intn(8) > 0 {
				b.WriteString(seps[r.Intn(len(seps))])
				b.WriteString(quote(r, values[r.Intn(len(values))]))
			}
		}
		switch r.Intn(10) {
		case 0:
			b.WriteString(" # comment")
		case 1:
			b.WriteString("\r")
		}
		return b.String()
	}
	r := rand.New(rand.NewSource(19))
	for i := 0; i < 150; i++ {
		line := gen(r, clientAttrs)
		cfg := filepath.Join(t.TempDir(), "config")
		os.WriteFile(cfg, []byte("Match "+line+"\n  ServerAliveInterval 202\nHost *\n  ServerAliveInterval 5\n"), 0o600)
		res := Resolve(Options{Files: []Input{{Path: cfg, User: true}}, Host: "b", LocalUser: me, Version: fixed(v)})
		got := "5"
		if o, ok := res.Effective("serveraliveinterval"); ok {
			got = o.Line().Value()
		}
		want, accepted, msg := realSSH(t, ssh, cfg, "b", "serveraliveinterval")
		if accepted != (res.Rejected() == nil) || accepted && got != want {
			t.Errorf("Match %q: ssh -G accepts %v (%s) value %s; keepalive rejects %v value %s", line, accepted, msg, want, res.Rejected(), got)
		}
	}
	for i := 0; i < 60; i++ {
		line := gen(r, serverAttrs)
		cfg := filepath.Join(t.TempDir(), "sshd_config")
		os.WriteFile(cfg, []byte("ClientAliveInterval 1\nMatch "+line+"\n  ClientAliveInterval 2\n"), 0o600)
		spec := "user=b,host=b,addr=10.1.2.3,lport=22,rdomain=b"
		conn, _ := ParseConn(spec)
		res := Resolve(Options{Dialect: sshconf.Server, Files: []Input{{Path: cfg}}, Conn: conn, Version: fixed(v)})
		got := "0"
		if o, ok := res.Effective("clientaliveinterval"); ok {
			got = o.Line().Value()
		}
		want, accepted, msg := realSSHD(t, sshd, cfg, spec, "clientaliveinterval")
		if accepted != (res.Rejected() == nil) || accepted && got != want {
			t.Errorf("sshd Match %q: sshd -T -C accepts %v (%s) value %s; keepalive rejects %v value %s", line, accepted, msg, want, res.Rejected(), got)
		}
	}
}

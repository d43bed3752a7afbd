package resolve

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"

	"github.com/keepalive-ssh/keepalive/internal/sshconf"
	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// layout writes files under a temp home and returns the home.
func layout(t *testing.T, files map[string]string) string {
	t.Helper()
	home := t.TempDir()
	for name, body := range files {
		p := filepath.Join(home, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return home
}

func clientValue(t *testing.T, home, host, key string) (string, string) {
	t.Helper()
	r := Resolve(Options{
		Dialect: sshconf.Client, Home: home, Host: host, LocalUser: "tester",
		Files: []Input{{Path: filepath.Join(home, ".ssh", "config"), User: true}},
	})
	o, ok := r.Effective(key)
	if !ok {
		return "", "default"
	}
	return o.Line().Value(), strings.TrimPrefix(o.Pos(), home+"/")
}

// TestClientAgainstSSH checks the resolver's answer (value and source) and
// that the real ssh -G agrees on the value.
func TestClientAgainstSSH(t *testing.T) {
	ssh := testenv.Tool(t, "ssh")
	tests := []struct {
		name  string
		files map[string]string
		host  string
		want  string // value of serveraliveinterval
		src   string // path:line relative to home, or default
	}{
		{"first value wins", map[string]string{".ssh/config": "Host *\n  ServerAliveInterval 10\nHost web\n  ServerAliveInterval 20\n"},
			"web", "10", ".ssh/config:2"},
		{"specific before general", map[string]string{".ssh/config": "Host web\n  ServerAliveInterval 20\nHost *\n  ServerAliveInterval 10\n"},
			"web", "20", ".ssh/config:2"},
		{"case-sensitive Host", map[string]string{".ssh/config": "Host WEB\n  ServerAliveInterval 20\n"},
			"web", "", "default"},
		{"? is one character", map[string]string{".ssh/config": "Host web?\n  ServerAliveInterval 20\n"},
			"web", "", "default"},
		{"negation vetoes", map[string]string{".ssh/config": "Host * !web\n  ServerAliveInterval 20\n"},
			"web", "", "default"},
		{"relative Include from ~/.ssh", map[string]string{
			".ssh/config":           "Include conf.d/*.conf\nHost *\n  ServerAliveInterval 5\n",
			".ssh/conf.d/a.conf":    "Host web\n  ServerAliveInterval 30\n",
			".ssh/conf.d/b.conf":    "ServerAliveInterval 40\n",
			".ssh/conf.d/c.notconf": "ServerAliveInterval 50\n"},
			"web", "30", ".ssh/conf.d/a.conf:2"},
		{"Include in a non-matching block never matches", map[string]string{
			".ssh/config": "Host db\n  Include inc\nHost *\n  ServerAliveInterval 5\n",
			".ssh/inc":    "Host *\n  ServerAliveInterval 99\n"},
			"web", "5", ".ssh/config:4"},
		{"Include in a matching block applies", map[string]string{
			".ssh/config": "Host web\n  Include inc\n",
			".ssh/inc":    "ServerAliveInterval 99\n"},
			"web", "99", ".ssh/inc:1"},
		{"Match in an Include does not leak out", map[string]string{
			".ssh/config": "Include inc\nServerAliveInterval 7\n",
			".ssh/inc":    "Match host nothing\n"},
			"web", "7", ".ssh/config:2"},
		{"Match originalhost and host lower-case", map[string]string{".ssh/config": "Match originalhost WEB\n  ServerAliveInterval 11\n"},
			"web", "11", ".ssh/config:2"},
		{"Match host sees HostName", map[string]string{".ssh/config": "Host web\n  HostName real.example\nMatch host real.example\n  ServerAliveInterval 12\n"},
			"web", "12", ".ssh/config:4"},
		{"Match final re-reads with the HostName", map[string]string{".ssh/config": "Match final\n  User x\nHost web\n  HostName Real.Example\nHost real.example\n  ServerAliveInterval 13\n"},
			"web", "13", ".ssh/config:6"},
		{"Match all", map[string]string{".ssh/config": "Host nothing\nMatch all\n  ServerAliveInterval 14\n"},
			"web", "14", ".ssh/config:3"},
		{"Match !all never", map[string]string{".ssh/config": "Match !all\n  ServerAliveInterval 14\n"},
			"web", "", "default"},
		{"Match user uses the local user when none is set", map[string]string{".ssh/config": "Match user tester\n  ServerAliveInterval 15\n"},
			"web", "15", ".ssh/config:2"},
		{"time format kept as written", map[string]string{".ssh/config": "ServerAliveInterval 5m\n"},
			"web", "5m", ".ssh/config:1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := layout(t, tt.files)
			val, src := clientValue(t, home, tt.host, "serveraliveinterval")
			if val != tt.want || src != tt.src {
				t.Errorf("resolve: %q from %s, want %q from %s", val, src, tt.want, tt.src)
			}
			if strings.Contains(tt.name, "Match user") {
				return // ssh -G would use the real local user
			}
			cmd := exec.Command(ssh, "-G", "-F", filepath.Join(home, ".ssh", "config"), tt.host)
			cmd.Env = append(os.Environ(), "HOME="+home)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("ssh -G: %v\n%s", err, out)
			}
			want := tt.want
			switch want {
			case "":
				want = "0"
			case "5m":
				want = "300"
			}
			if !strings.Contains(string(out), "\nserveraliveinterval "+want+"\n") {
				t.Errorf("ssh -G disagrees: want serveraliveinterval %s in\n%s", want, grep(string(out), "serveralive"))
			}
		})
	}
}

func grep(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func TestMatchExecMayApply(t *testing.T) {
	home := layout(t, map[string]string{".ssh/config": "Match exec \"touch " + "MARKER\"\n  ServerAliveInterval 9\nHost *\n  ServerAliveInterval 5\n"})
	r := Resolve(Options{Dialect: sshconf.Client, Home: home, Host: "web", Files: []Input{{Path: filepath.Join(home, ".ssh", "config"), User: true}}})
	if o, _ := r.Effective("serveraliveinterval"); o.Line().Value() != "5" {
		t.Errorf("effective %q, want 5 with the exec block only 'may apply'", o.Line().Value())
	}
	if m := r.All("serveraliveinterval", Maybe); len(m) != 1 || m[0].Index != 1 {
		t.Errorf("Maybe occurrences %v", m)
	}
}

func TestIncludeProblems(t *testing.T) {
	home := layout(t, map[string]string{
		".ssh/config": "Include self\nInclude dir\nHost *\n  ServerAliveInterval 5\n",
		".ssh/self":   "Include self\n",
		".ssh/dir/x":  "",
	})
	r := Resolve(Options{Dialect: sshconf.Client, Home: home, Host: "web", Files: []Input{{Path: filepath.Join(home, ".ssh", "config"), User: true}}})
	var msgs []string
	for _, p := range r.Problems {
		msgs = append(msgs, strings.TrimPrefix(p.Error(), home+"/"))
	}
	all := strings.Join(msgs, "\n")
	if !strings.Contains(all, ".ssh/self:1: Include nested more than 16 deep") {
		t.Errorf("problems:\n%s", all)
	}
	// ssh reads an Included directory as an empty file; so does keepalive.
	if strings.Contains(all, "dir") || !r.Complete() {
		t.Errorf("an Included directory is an empty file: problems %q, incomplete %v", all, r.Incomplete)
	}
	if o, ok := r.Effective("serveraliveinterval"); !ok || o.Line().Value() != "5" {
		t.Errorf("evaluation must go on past bad Includes")
	}
}

func TestServerMatch(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "sshd_config")
	os.WriteFile(cfg, []byte("ClientAliveInterval 10\nMatch User bob\n  ClientAliveInterval 20\nMatch all\n  ClientAliveCountMax 9\n"), 0o600)
	global := Resolve(Options{Dialect: sshconf.Server, Files: []Input{{Path: cfg}}})
	if o, _ := global.Effective("clientaliveinterval"); o.Line().Value() != "10" {
		t.Errorf("global interval %q, want 10", o.Line().Value())
	}
	if o, _ := global.Effective("clientalivecountmax"); o.Line().Value() != "9" {
		t.Errorf("Match all overrides the global value even without a connection (sshd -T does)")
	}
	bob := Resolve(Options{Dialect: sshconf.Server, Files: []Input{{Path: cfg}}, Conn: &Conn{User: "bob"}})
	if o, _ := bob.Effective("clientaliveinterval"); o.Line().Value() != "20" {
		t.Errorf("bob's interval %q, want 20", o.Line().Value())
	}
}

// TestOccurrenceSize pins the size of an Occurrence: a show of a fleet
// keeps one for each of hundreds of thousands of lines.
func TestOccurrenceSize(t *testing.T) {
	if n := unsafe.Sizeof(Occurrence{}); n > 48 {
		t.Errorf("an Occurrence takes %d bytes, want at most 48", n)
	}
}

// TestLocalPortNotedOnce: sshd -T (and -C without lport=) stops at the
// first Match LocalPort block, so the evaluation notes that block only,
// not each of the thousands an sshd_config with a block per service port
// has.
func TestLocalPortNotedOnce(t *testing.T) {
	const path = "/etc/ssh/sshd_config"
	var b strings.Builder
	b.WriteString("ClientAliveInterval 5\n")
	for i := range 3000 {
		fmt.Fprintf(&b, "Match LocalPort %d\n  ClientAliveInterval %d\n", 2200+i, i+1)
	}
	for _, conn := range []*Conn{nil, {User: "u", Host: "h", Addr: "10.0.0.1"}} {
		r := Resolve(Options{Dialect: sshconf.Server, Files: []Input{{Path: path}},
			Override: map[string]*sshconf.File{path: sshconf.Parse([]byte(b.String()))}, Conn: conn})
		if len(r.Incomplete) != 1 || r.Incomplete[0].Pos != path+":2" || !strings.Contains(r.Incomplete[0].Msg, "LocalPort") {
			t.Errorf("connection %v: Incomplete %d entries, first %v; want one, at the first Match LocalPort (%s:2)", conn, len(r.Incomplete), r.Incomplete[:min(1, len(r.Incomplete))], path)
		}
	}
}

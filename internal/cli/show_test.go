package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/account"
	"github.com/keepalive-ssh/keepalive/internal/openssh"
	"github.com/keepalive-ssh/keepalive/internal/placement"
	"github.com/keepalive-ssh/keepalive/internal/putty"
	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// showJSON is `show --json` decoded.
type showJSON struct {
	Client   map[string]json.RawMessage `json:"client"`
	Server   map[string]json.RawMessage `json:"server"`
	Putty    []map[string]any           `json:"putty"`
	Warnings []struct {
		Level, Section, Source, Message string
	} `json:"warnings"`
}

type jsonValue struct {
	Value  any    `json:"value"`
	Source string `json:"source"`
}

func (j showJSON) value(t *testing.T, section map[string]json.RawMessage, key string) jsonValue {
	t.Helper()
	var v jsonValue
	if err := json.Unmarshal(section[key], &v); err != nil {
		t.Fatalf("%s: %v in %s", key, err, section[key])
	}
	return v
}

// hasWarning reports whether a warning at source contains text.
func (j showJSON) hasWarning(level, source, text string) bool {
	for _, w := range j.Warnings {
		if w.Level == level && w.Source == source && strings.Contains(w.Message, text) {
			return true
		}
	}
	return false
}

// layoutRoot copies testdata/show/NAME to a temporary directory, which
// the test then uses as --root: a user config in root/.ssh, system configs
// in etc/ssh.
func layoutRoot(t *testing.T, name string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("testdata", "show", name))); err != nil {
		t.Fatal(err)
	}
	return dir
}

// layoutEnv is the environment of the user whose home is /root under the
// layout's root.
var layoutEnv = account.View{UserConfig: "/root/.ssh/config", Home: "/root", LocalUser: "root"}

// runShowJSON runs show --json and decodes the result.
func runShowJSON(t *testing.T, o *showOptions) (showJSON, error) {
	t.Helper()
	return runShowJSONOn(t, sysMachine(), o)
}

// runShowJSONOn runs show --json on the machine m.
func runShowJSONOn(t *testing.T, m *Machine, o *showOptions) (showJSON, error) {
	t.Helper()
	var out, errb bytes.Buffer
	o.JSON = true
	err := runShow(Streams{Out: &out, Err: &errb}, m, o)
	var j showJSON
	if jerr := json.Unmarshal(out.Bytes(), &j); jerr != nil {
		t.Fatalf("show --json printed invalid JSON (%v):\n%s\nerr=%v", jerr, out.String(), err)
	}
	return j, err
}

type want struct {
	value  any    // int or string
	source string // relative to the layout root, or "default"
}

var layoutCases = []struct {
	layout string
	hosts  map[string]map[string]want // host ("" for none) -> key -> want
	server map[string]want            // nil: no sshd_config
}{
	{
		layout: "debian",
		hosts: map[string]map[string]want{
			"build": {
				"ServerAliveInterval": {45, "root/.ssh/config.d/10-work:5"},
				"ServerAliveCountMax": {2, "root/.ssh/config:6"},
				"TCPKeepAlive":        {"yes", "etc/ssh/ssh_config:5"},
			},
			"ci.work.example": {
				"ServerAliveInterval": {300, "root/.ssh/config:5"},
				"ServerAliveCountMax": {6, "root/.ssh/config.d/10-work:2"},
				"TCPKeepAlive":        {"no", "root/.ssh/config.d/10-work:3"},
			},
			"legacy": {
				"ServerAliveInterval": {300, "root/.ssh/config:5"},
				"ServerAliveCountMax": {2, "root/.ssh/config:6"},
				"TCPKeepAlive":        {"no", "etc/ssh/ssh_config.d/50-legacy.conf:3"},
			},
			"": {
				"ServerAliveInterval": {300, "root/.ssh/config:5"},
				"ServerAliveCountMax": {2, "root/.ssh/config:6"},
				"TCPKeepAlive":        {"yes", "etc/ssh/ssh_config:5"},
			},
		},
		server: map[string]want{
			"ClientAliveInterval": {120, "etc/ssh/sshd_config.d/50-cloud.conf:1"},
			"ClientAliveCountMax": {2, "etc/ssh/sshd_config.d/50-cloud.conf:2"},
			"TCPKeepAlive":        {"yes", "default"},
		},
	},
	{
		layout: "fedora",
		hosts: map[string]map[string]want{
			"db": { // HostName db.internal.example: the final pass fills the interval
				"ServerAliveInterval": {20, "root/.ssh/config:5"},
				"ServerAliveCountMax": {4, "etc/ssh/ssh_config.d/05-top.conf:2"},
				"TCPKeepAlive":        {"yes", "default"},
			},
			"top": {
				"ServerAliveInterval": {90, "etc/ssh/ssh_config.d/50-redhat.conf:3"},
				"ServerAliveCountMax": {4, "etc/ssh/ssh_config.d/05-top.conf:2"},
				"TCPKeepAlive":        {"no", "root/.ssh/config:7"},
			},
			"": {
				"ServerAliveInterval": {90, "etc/ssh/ssh_config.d/50-redhat.conf:3"},
				"ServerAliveCountMax": {4, "etc/ssh/ssh_config.d/05-top.conf:2"},
				"TCPKeepAlive":        {"yes", "default"},
			},
		},
		server: map[string]want{
			"ClientAliveInterval": {45, "etc/ssh/sshd_config:7"}, // Match all
			"ClientAliveCountMax": {4, "etc/ssh/sshd_config.d/40-keepalive.conf:1"},
			"TCPKeepAlive":        {"no", "etc/ssh/sshd_config:3"},
		},
	},
	{
		layout: "noserver",
		hosts: map[string]map[string]want{
			"": {
				"ServerAliveInterval": {0, "etc/ssh/ssh_config:2"},
				"ServerAliveCountMax": {3, "default"},
				"TCPKeepAlive":        {"yes", "default"},
			},
		},
	},
}

func checkValue(t *testing.T, root, what string, got jsonValue, w want) {
	t.Helper()
	wantSource := w.source
	if wantSource != "default" {
		wantSource = filepath.Join(root, w.source)
	}
	gotValue := got.Value
	if f, ok := gotValue.(float64); ok { // a JSON number
		gotValue = int(f)
	}
	if gotValue != w.value || got.Source != wantSource {
		t.Errorf("%s = %#v from %s, want %#v from %s", what, got.Value, got.Source, w.value, wantSource)
	}
}

// TestShowLayouts checks value and exact path:line of every key for
// layouts with a user config and its Include, a system config with
// drop-ins under --root, and sshd drop-ins.
func TestShowLayouts(t *testing.T) {
	unixOnly(t, "an /etc/ssh tree under --root (Windows reads ProgramData\\ssh there)")
	for _, lc := range layoutCases {
		root := layoutRoot(t, lc.layout)
		for host, keys := range lc.hosts {
			t.Run(lc.layout+"/"+host, func(t *testing.T) {
				j, err := runShowJSON(t, &showOptions{Host: host, Root: root, NoPutty: true, env: layoutEnv})
				if err != nil {
					t.Fatal(err)
				}
				wantHost := host
				if host == "" {
					wantHost = placement.ProbeHost("*")
				}
				var gotHost string
				json.Unmarshal(j.Client["host"], &gotHost)
				if gotHost != wantHost {
					t.Errorf("client.host = %q, want %q", gotHost, wantHost)
				}
				for key, w := range keys {
					checkValue(t, root, "client."+key, j.value(t, j.Client, key), w)
				}
				if lc.server == nil {
					if j.Server != nil {
						t.Errorf("server = %v, want null (no sshd_config)", j.Server)
					}
					return
				}
				for key, w := range lc.server {
					checkValue(t, root, "server."+key, j.value(t, j.Server, key), w)
				}
			})
		}
	}
}

// TestShowLayoutsAgainstOpenSSH runs the real ssh -G and sshd -T on the
// same layouts, bind-mounted over /etc/ssh and /root in a private mount
// namespace, and checks that show agrees on every value.
func TestShowLayoutsAgainstOpenSSH(t *testing.T) {
	testenv.Root(t)
	ssh := testenv.Tool(t, "ssh")
	sshd := testenv.Tool(t, "sshd")
	testenv.Tool(t, "unshare")
	if home, _ := os.UserHomeDir(); home != "/root" {
		testenv.Unavailable(t, "root's home is %s, not /root", home)
	}
	hk, err := openssh.NewHostKey(sshd)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hk.Close() })
	key := hk.Path
	for _, lc := range layoutCases {
		root := layoutRoot(t, lc.layout)
		if err := os.MkdirAll(filepath.Join(root, "root"), 0o700); err != nil {
			t.Fatal(err)
		}
		sb := &openssh.Sandbox{Binds: map[string]string{
			filepath.Join(root, "etc", "ssh"): "/etc/ssh",
			filepath.Join(root, "root"):       "/root",
		}}
		env := append(os.Environ(), "HOME=/root")
		for host := range lc.hosts {
			t.Run(lc.layout+"/"+host, func(t *testing.T) {
				j, err := runShowJSON(t, &showOptions{Host: host, Root: root, NoPutty: true, env: layoutEnv})
				if err != nil {
					t.Fatal(err)
				}
				h := host
				if h == "" {
					h = placement.ProbeHost("*")
				}
				cfg, err := openssh.SSH(context.Background(), openssh.SSHQuery{Bin: ssh, Host: h, Env: env, Sandbox: sb})
				if err != nil {
					t.Fatal(err)
				}
				for _, key := range []string{"ServerAliveInterval", "ServerAliveCountMax", "TCPKeepAlive"} {
					if got, want := jsonString(j.value(t, j.Client, key).Value), cfg.Get(key); got != want {
						t.Errorf("host %s: %s = %s, ssh -G says %s", h, key, got, want)
					}
				}
				if lc.server == nil {
					return
				}
				scfg, err := openssh.SSHD(context.Background(), openssh.SSHDQuery{Bin: sshd, HostKey: key, Sandbox: sb})
				if err != nil {
					t.Fatal(err)
				}
				for _, key := range []string{"ClientAliveInterval", "ClientAliveCountMax", "TCPKeepAlive"} {
					if got, want := jsonString(j.value(t, j.Server, key).Value), scfg.Get(key); got != want {
						t.Errorf("%s = %s, sshd -T says %s", key, got, want)
					}
				}
			})
		}
	}
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return strings.Trim(string(b), `"`)
}

// TestShowJSONShape checks the exact shape of --json: the keys, numbers as
// JSON numbers, flags as strings, null for a missing server.
func TestShowJSONShape(t *testing.T) {
	unixOnly(t, "an /etc/ssh tree under --root")
	root := layoutRoot(t, "debian")
	var out bytes.Buffer
	if err := runShow(Streams{Out: &out, Err: &out}, sysMachine(), &showOptions{JSON: true, Host: "build", Root: root, NoPutty: true, env: layoutEnv}); err != nil {
		t.Fatal(err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(out.Bytes(), &top); err != nil {
		t.Fatal(err)
	}
	keysOf := func(raw json.RawMessage) []string {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		var ks []string
		for k := range m {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		return ks
	}
	eq := func(what string, got, want []string) {
		t.Helper()
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s keys = %v, want %v", what, got, want)
		}
	}
	eq("top", keysOf(out.Bytes()), []string{"client", "putty", "server", "warnings"})
	eq("client", keysOf(top["client"]), []string{"ServerAliveCountMax", "ServerAliveInterval", "TCPKeepAlive", "host"})
	eq("server", keysOf(top["server"]), []string{"ClientAliveCountMax", "ClientAliveInterval", "TCPKeepAlive"})
	var client map[string]json.RawMessage
	json.Unmarshal(top["client"], &client)
	eq("client.ServerAliveInterval", keysOf(client["ServerAliveInterval"]), []string{"source", "value"})
	for key, want := range map[string]string{
		"ServerAliveInterval": `{"value":45,"source":"` + root + `/root/.ssh/config.d/10-work:5"}`,
		"TCPKeepAlive":        `{"value":"yes","source":"` + root + `/etc/ssh/ssh_config:5"}`,
	} {
		var c bytes.Buffer
		json.Compact(&c, client[key])
		if c.String() != want {
			t.Errorf("client.%s = %s, want %s", key, c.String(), want)
		}
	}
	if string(top["putty"]) != "[]" {
		t.Errorf("putty = %s, want []", top["putty"])
	}
	var warnings []map[string]any
	if err := json.Unmarshal(top["warnings"], &warnings); err != nil || len(warnings) == 0 {
		t.Fatalf("warnings = %s: want a non-empty array (%v)", top["warnings"], err)
	}
	for _, w := range warnings {
		if _, ok := w["level"].(string); !ok {
			t.Errorf("warning without level: %v", w)
		}
		if _, ok := w["message"].(string); !ok {
			t.Errorf("warning without message: %v", w)
		}
	}

	out.Reset()
	if err := runShow(Streams{Out: &out, Err: &out}, sysMachine(), &showOptions{JSON: true, Root: layoutRoot(t, "noserver"), NoPutty: true, env: layoutEnv}); err != nil {
		t.Fatal(err)
	}
	json.Unmarshal(out.Bytes(), &top)
	if string(top["server"]) != "null" {
		t.Errorf("server without sshd_config = %s, want null", top["server"])
	}
}

// TestShowLayoutWarnings checks the warnings that explain the debian and
// fedora layouts, each naming both lines involved.
func TestShowLayoutWarnings(t *testing.T) {
	unixOnly(t, "an /etc/ssh tree under --root")
	deb := layoutRoot(t, "debian")
	p := func(rel string) string { return filepath.Join(deb, rel) }
	// --host build alone counts the lines for other hosts; --all lists them.
	j, err := runShowJSON(t, &showOptions{Host: "build", Root: deb, NoPutty: true, env: layoutEnv})
	if err != nil {
		t.Fatal(err)
	}
	if !j.hasWarning("info", "", "4 keep-alive lines for hosts other than build not shown; --all shows them") ||
		j.hasWarning("warning", p("etc/ssh/ssh_config.d/50-legacy.conf:2"), "never takes effect") {
		t.Errorf("--host build without --all: want the other hosts' lines counted, not listed:\n%s", dumpWarnings(j))
	}
	j, err = runShowJSON(t, &showOptions{Host: "build", AllHosts: true, Root: deb, NoPutty: true, env: layoutEnv})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []struct{ level, source, text string }{
		// shadowed for this host, naming the winner
		{"warning", p("root/.ssh/config:3"), p("root/.ssh/config.d/10-work:5")},
		{"warning", p("etc/ssh/ssh_config:6"), p("root/.ssh/config.d/10-work:5")},
		// a per-host value that an earlier Host * overrides for its hosts
		{"warning", p("etc/ssh/ssh_config.d/50-legacy.conf:2"), "never takes effect: " + p("root/.ssh/config:5")},
		// a Debian-only alias in effect
		// per-host value overriding the default
		{"info", p("root/.ssh/config.d/10-work:2"), "`Host *.work.example`"},
		// server: a drop-in first, the main file's lines ignored
		{"warning", p("etc/ssh/sshd_config:3"), p("etc/ssh/sshd_config.d/50-cloud.conf:1")},
		{"info", p("etc/ssh/sshd_config:7"), "`Match User backup`"},
		// the interval is longer than an AWS ALB's idle timeout
		{"info", p("etc/ssh/sshd_config.d/50-cloud.conf:1"), "60 s idle timeout"},
	} {
		if !j.hasWarning(w.level, w.source, w.text) {
			t.Errorf("no %s at %s mentioning %q in:\n%s", w.level, w.source, w.text, dumpWarnings(j))
		}
	}

	j, err = runShowJSON(t, &showOptions{Host: "legacy", Root: deb, NoPutty: true, env: layoutEnv})
	if err != nil {
		t.Fatal(err)
	}
	if !j.hasWarning("warning", p("root/.ssh/config:5"), "longer than the 240 s idle timeout") {
		t.Errorf("no Azure LB warning for 300 s:\n%s", dumpWarnings(j))
	}

	fed := layoutRoot(t, "fedora")
	j, err = runShowJSON(t, &showOptions{Host: "top", Root: fed, NoPutty: true, env: layoutEnv})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []struct{ level, source, text string }{
		// Host * at the top of a file that sets keep-alives
		{"warning", filepath.Join(fed, "etc/ssh/ssh_config.d/05-top.conf:1"), "overrides every later per-host value"},
		{"warning", filepath.Join(fed, "etc/ssh/ssh_config.d/05-top.conf:4"), "ignored for host top"},
		// sshd: Match all overrides the global value, a Match block sets count 0
		{"info", filepath.Join(fed, "etc/ssh/sshd_config:2"), "overridden for every connection"},
		{"warning", filepath.Join(fed, "etc/ssh/sshd_config:5"), "`Match Group admins`"},
	} {
		if !j.hasWarning(w.level, w.source, w.text) {
			t.Errorf("no %s at %s mentioning %q in:\n%s", w.level, w.source, w.text, dumpWarnings(j))
		}
	}
}

func dumpWarnings(j showJSON) string {
	var b strings.Builder
	for _, w := range j.Warnings {
		b.WriteString("  " + w.Level + " " + w.Source + ": " + w.Message + "\n")
	}
	return b.String()
}

// writeFile writes a file in a new temporary directory and returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestShowFileWarnings covers warnings on small --file configs.
func TestShowFileWarnings(t *testing.T) {
	for _, tt := range []struct {
		name, config, host string
		level, line, text  string
	}{
		{"bom", "\uFEFFHost *\n  ServerAliveInterval 60\n", "", "error", "1", "byte-order mark"},
		{"off", "ServerAliveInterval 0\n", "", "warning", "1", "keep-alives are off"},
		{"match exec", "Match exec \"test -e /nonexistent\"\n  ServerAliveInterval 10\nHost *\n  ServerAliveInterval 60\n", "h", "warning", "2", "does not evaluate"},
		{"bad value", "ServerAliveInterval soon\n", "", "error", "1", "rejects this value"},
		{"extra argument", "ServerAliveCountMax 3 4\n", "", "error", "1", "rejects this value"},
		{"alias", "ProtocolKeepAlives 30\n", "", "warning", "1", "Debian/Ubuntu alias"},
		{"per host", "Host db\n  ServerAliveInterval 20\nHost *\n  ServerAliveInterval 60\n", "", "info", "2", "overriding the general value"},
		{"host * first", "Host *\n  ServerAliveInterval 60\nHost db\n  ServerAliveInterval 20\n", "", "warning", "1", "overrides every later per-host value"},
		{"dead per host", "Host *\n  ServerAliveInterval 60\nHost db\n  ServerAliveInterval 20\n", "", "warning", "4", "never takes effect"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := writeFile(t, "config", tt.config)
			j, err := runShowJSON(t, &showOptions{File: f, Host: tt.host, NoServer: true, NoPutty: true, env: layoutEnv})
			// A config ssh refuses makes show fail (exit 1), saying so.
			if rejects := tt.level == "error"; rejects != (err != nil) || err != nil && !strings.Contains(err.Error(), "ssh rejects this config: "+f+":"+tt.line) {
				t.Errorf("error %v; want one only for a config ssh rejects, naming %s:%s", err, f, tt.line)
			}
			if !j.hasWarning(tt.level, f+":"+tt.line, tt.text) {
				t.Errorf("no %s at line %s mentioning %q in:\n%s", tt.level, tt.line, tt.text, dumpWarnings(j))
			}
		})
	}
}

func TestShowServerWarnings(t *testing.T) {
	for _, tt := range []struct {
		name, config      string
		level, line, text string
	}{
		{"count 0", "ClientAliveInterval 60\nClientAliveCountMax 0\n", "warning", "2", "never disconnects"},
		{"tcpkeepalive in match", "Match User x\n  TCPKeepAlive no\n", "error", "2", "does not allow TCPKeepAlive"},
		{"interval 5m", "ClientAliveInterval 5m\n", "warning", "1", "300 s"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := writeFile(t, "sshd_config", tt.config)
			j, err := runShowJSON(t, &showOptions{File: writeFile(t, "config", ""), ServerFile: f, NoPutty: true, env: layoutEnv})
			if rejects := tt.level == "error"; rejects != (err != nil) || err != nil && !strings.Contains(err.Error(), "sshd rejects this config: "+f+":"+tt.line) {
				t.Errorf("error %v; want one only for a config sshd rejects, naming %s:%s", err, f, tt.line)
			}
			if !j.hasWarning(tt.level, f+":"+tt.line, tt.text) {
				t.Errorf("no %s at line %s mentioning %q in:\n%s", tt.level, tt.line, tt.text, dumpWarnings(j))
			}
		})
	}
}

// TestShowMainExitCodes runs show through Main: bad usage is exit 2.
func TestShowMainExitCodes(t *testing.T) {
	cfg := writeFile(t, "config", "Host *\n  ServerAliveInterval 30\n")
	for _, tt := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"show", "--file", cfg, "--no-server", "--no-putty"}, 0, ""},
		{[]string{"show", "--file", cfg, "--no-server", "--no-putty", "--json"}, 0, ""},
		{[]string{"show", "extra"}, 2, "takes no arguments"},
		{[]string{"show", "--verify=maybe"}, 2, "--verify"},
		{[]string{"show", "--allow-exec"}, 2, "--allow-exec goes with --verify"},
		{[]string{"show", "--host", "-oProxyCommand=x"}, 2, "--host"},
		{[]string{"show", "--host", "a b"}, 2, "--host"},
		{[]string{"show", "--bogus"}, 2, "bogus"},
	} {
		var out, errb bytes.Buffer
		code := Main(tt.args, Streams{Out: &out, Err: &errb})
		if code != tt.code || !strings.Contains(errb.String(), tt.msg) {
			t.Errorf("keepalive %s: exit %d, stderr %q; want exit %d mentioning %q", strings.Join(tt.args, " "), code, errb.String(), tt.code, tt.msg)
		}
	}
}

// TestShowMainColor: escapes only when Streams.Color (a terminal without
// NO_COLOR), and an aligned table either way.
func TestShowMainColor(t *testing.T) {
	cfg := writeFile(t, "config", "Host *\n  ServerAliveInterval 30\n  ServerAliveCountMax 10\n")
	t.Setenv("NO_COLOR", "1")
	if SystemStreams().Color {
		t.Error("SystemStreams().Color is true under NO_COLOR")
	}
	for _, color := range []bool{false, true} {
		var out bytes.Buffer
		code := Main([]string{"show", "--file", cfg, "--no-server", "--no-putty", "--host", "h"}, Streams{Out: &out, Err: &out, Color: color, OutTTY: color})
		if code != 0 {
			t.Fatalf("exit %d: %s", code, out.String())
		}
		text := out.String()
		if got := strings.Contains(text, "\x1b["); got != color {
			t.Errorf("color=%v: escape codes present = %v:\n%q", color, got, text)
		}
		plain := stripANSI(text)
		lines := strings.Split(plain, "\n")
		var cols []int
		for _, l := range lines {
			for _, key := range []string{"ServerAliveInterval", "ServerAliveCountMax", "TCPKeepAlive "} {
				if strings.HasPrefix(l, "  "+key) {
					cols = append(cols, strings.Index(l, cfg+":")+strings.Index(l, "default")+1)
				}
			}
		}
		if len(cols) != 3 || cols[0] != cols[1] || cols[1] != cols[2] {
			t.Errorf("color=%v: source column not aligned (%v):\n%s", color, cols, plain)
		}
		if !strings.Contains(plain, "30 s") || !strings.Contains(plain, cfg+":2") {
			t.Errorf("color=%v: value or source missing:\n%s", color, plain)
		}
	}
}

func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b {
			for i < len(s) && s[i] != 'm' {
				i++
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// TestShowServerNotInstalled: no sshd_config is a clean "not installed".
func TestShowServerNotInstalled(t *testing.T) {
	unixOnly(t, "an /etc/ssh tree under --root")
	root := t.TempDir()
	missing := filepath.Join(root, "etc", "ssh", "sshd_config")
	var out bytes.Buffer
	if code := Main([]string{"show", "--root", root, "--no-putty"}, Streams{Out: &out, Err: &out}); code != 0 {
		t.Fatalf("exit %d: %s", code, out.String())
	}
	if !strings.Contains(out.String(), "not installed") || !strings.Contains(out.String(), missing) {
		t.Errorf("output does not say the server is not installed:\n%s", out.String())
	}

	// A file named on the command line must exist, as for ssh -F and sshd -f.
	for _, flag := range []string{"--file", "--server-file"} {
		out.Reset()
		code := Main([]string{"show", flag, filepath.Join(root, "nonexistent")}, Streams{Out: &out, Err: &out})
		if code != 1 || !strings.Contains(out.String(), flag) {
			t.Errorf("show %s nonexistent: exit %d, %q; want exit 1 naming the flag", flag, code, out.String())
		}
	}
}

// TestShowPermissions: ssh refuses an Included file writable by others,
// and ~/.ssh/config, but not a file given with -F.
func TestShowPermissions(t *testing.T) {
	unixOnly(t, "Unix file modes")
	dir := t.TempDir()
	inc := filepath.Join(dir, "inc")
	os.WriteFile(inc, []byte("ServerAliveInterval 5\n"), 0o600)
	os.Chmod(inc, 0o666)
	cfg := filepath.Join(dir, "config")
	os.WriteFile(cfg, []byte("Include "+inc+"\n"), 0o600)
	os.Chmod(cfg, 0o666)
	j, err := runShowJSON(t, &showOptions{File: cfg, NoServer: true, NoPutty: true, env: layoutEnv})
	if err != nil {
		t.Fatal(err)
	}
	if !j.hasWarning("error", inc, "Bad owner or permissions") {
		t.Errorf("no error for the world-writable Included file:\n%s", dumpWarnings(j))
	}
	if j.hasWarning("error", cfg, "Bad owner or permissions") {
		t.Errorf("ssh -F does not check the file's permissions, show should not complain:\n%s", dumpWarnings(j))
	}
	j, _ = runShowJSON(t, &showOptions{NoServer: true, NoPutty: true, Root: dir, env: account.View{UserConfig: "/config", Home: dir, LocalUser: "root"}})
	if !j.hasWarning("error", cfg, "Bad owner or permissions") {
		t.Errorf("no error for a world-writable ~/.ssh/config:\n%s", dumpWarnings(j))
	}
}

// TestShowPutty lists saved sessions with their keep-alive and the line
// it comes from.
func TestShowPutty(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sessions")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "my%20server"), []byte("HostName=example.com\nPingInterval=0\nPingIntervalSecs=30\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "old"), []byte("HostName=old.example.com\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "legacy"), []byte("PingIntervalSecs=30\nPingInterval=1\n"), 0o600)
	m := SystemMachine()
	m.PuttyStore = func() (putty.Store, error) { return &putty.FileStore{Dir: dir}, nil }

	j, err := runShowJSONOn(t, &m, &showOptions{File: writeFile(t, "config", ""), NoServer: true, env: layoutEnv})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(j.Putty)
	jsonPath := func(name string) string { // a Windows path's \ is \\ in JSON
		return strings.ReplaceAll(filepath.Join(dir, name), `\`, `\\`)
	}
	want := `[{"session":"legacy","source":"` + jsonPath("legacy") + `:1,2","value":90},` +
		`{"session":"my server","source":"` + jsonPath("my%20server") + `:2,3","value":30},` +
		`{"session":"old","source":"default","value":0}]`
	if string(got) != want {
		t.Errorf("putty = %s\nwant    %s", got, want)
	}
	if !j.hasWarning("info", filepath.Join(dir, "legacy")+":1,2", "adds 60 s") {
		t.Errorf("no note that PingInterval adds a minute:\n%s", dumpWarnings(j))
	}
	if !j.hasWarning("warning", "", `"old"`) {
		t.Errorf("no warning that keep-alives are off in session old:\n%s", dumpWarnings(j))
	}
}

// TestShowVerify runs the real ssh -G through --verify.
func TestShowVerify(t *testing.T) {
	testenv.Tool(t, "ssh")
	cfg := writeFile(t, "config", "Host db\n  ServerAliveInterval 1m\nHost *\n  ServerAliveCountMax 5\n")
	j, err := runShowJSON(t, &showOptions{File: cfg, Host: "db", Verify: "yes", NoServer: true, NoPutty: true, env: layoutEnv})
	if err != nil {
		t.Fatalf("--verify failed: %v\n%s", err, dumpWarnings(j))
	}
	if !j.hasWarning("info", "", "verified: ssh -G agrees") {
		t.Errorf("no verification note:\n%s", dumpWarnings(j))
	}
}

// TestShowVerifyServer runs the real sshd -T through --verify.
func TestShowVerifyServer(t *testing.T) {
	testenv.Tool(t, "sshd")
	srv := writeFile(t, "sshd_config", "ClientAliveInterval 2m\nMatch all\n  ClientAliveCountMax 1\n")
	j, err := runShowJSON(t, &showOptions{File: writeFile(t, "config", ""), ServerFile: srv, Verify: "yes", NoPutty: true, env: layoutEnv})
	if err != nil {
		t.Fatalf("--verify failed: %v\n%s", err, dumpWarnings(j))
	}
	if !j.hasWarning("info", "", "verified: sshd -T agrees") {
		t.Errorf("no verification note:\n%s", dumpWarnings(j))
	}
}

// TestShowVerifyNeverRunsExec: a config with Match exec is not given to
// ssh -G unless --verify=exec asks; then it is.
func TestShowVerifyNeverRunsExec(t *testing.T) {
	testenv.Tool(t, "ssh")
	marker := filepath.Join(t.TempDir(), "ran")
	cfg := writeFile(t, "config", "Match exec \"touch "+marker+"\"\n  ServerAliveInterval 10\n")
	j, err := runShowJSON(t, &showOptions{File: cfg, Host: "h", Verify: "yes", NoServer: true, NoPutty: true, env: layoutEnv})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("show --verify ran the Match exec command")
	}
	if !j.hasWarning("warning", cfg+":1", "not verified with ssh -G") {
		t.Errorf("no warning that ssh -G was skipped:\n%s", dumpWarnings(j))
	}
	// With --verify=exec ssh -G runs it: the command succeeds, so the block
	// applies for ssh while keepalive cannot know; that is a disagreement.
	_, err = runShowJSON(t, &showOptions{File: cfg, Host: "h", Verify: "exec", NoServer: true, NoPutty: true, env: layoutEnv})
	if _, serr := os.Stat(marker); serr != nil {
		t.Fatal("show --verify=exec did not let ssh -G run the Match exec command")
	}
	if code, _ := exitCode(err); err == nil || code != exitFailure {
		t.Errorf("--verify=exec with a disagreement: err %v, want exit 1", err)
	}
}

// TestShowVerifyDisagreement: a disagreement is an error and exit 1.
func TestShowVerifyDisagreement(t *testing.T) {
	unixOnly(t, "a shell script standing in for ssh")
	fake := filepath.Join(t.TempDir(), "ssh")
	script := "#!/bin/sh\nprintf 'serveraliveinterval 99\\nserveralivecountmax 3\\ntcpkeepalive yes\\n'\n"
	if err := os.WriteFile(fake, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	m := SystemMachine()
	m.FindProgram = func(string) (string, error) { return fake, nil }
	cfg := writeFile(t, "config", "ServerAliveInterval 30\n")
	j, err := runShowJSONOn(t, &m, &showOptions{File: cfg, Host: "h", Verify: "yes", NoServer: true, NoPutty: true, env: layoutEnv})
	if code, _ := exitCode(err); err == nil || code != exitFailure {
		t.Fatalf("err %v, want exit 1", err)
	}
	if !j.hasWarning("error", cfg+":1", "ssh -G says serveraliveinterval 99, keepalive computed 30") {
		t.Errorf("no disagreement error:\n%s", dumpWarnings(j))
	}
}

package resolve

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

var (
	v92  = Version{Major: 9, Minor: 2, Release: "OpenSSH_9.2p1", Debian: true, Text: "OpenSSH_9.2p1 Debian-2+deb12u10"}
	v94  = Version{Major: 9, Minor: 4, Release: "OpenSSH_9.4p1"}
	v99  = Version{Major: 9, Minor: 9, Release: "OpenSSH_9.9p1"}
	v100 = Version{Major: 10, Minor: 0, Release: "OpenSSH_10.0p2"}
)

func fixed(v Version) func() Version { return func() Version { return v } }

// TestParseMatchVersions: the same Match line read by each release, on
// each side of each boundary.
func TestParseMatchVersions(t *testing.T) {
	tests := []struct {
		line   string
		server bool
		v      Version
		want   string // criteria joined by "; ", or "error: ..." (a prefix)
	}{
		// criterion=value: split by strdelim before 9.9, refused by 9.9,
		// split again from 10.0.
		{"host=b", false, v92, "host b"},
		{"host=b", false, v99, "error: Missing Match criteria for host=b"},
		{"host=b", false, v100, "host b"},
		{"host = b", false, v92, "host b"},
		{"host= b", false, v99, "error: Unsupported Match attribute host="},
		{"host=m !user xxxyfake", false, v92, "host m; !user xxxyfake"},
		{"host=m !user=xxxyfake", false, v100, "host m; !user xxxyfake"},
		{"user=u1", true, v92, "user u1"},
		{"user=u1", true, v99, "error: Missing Match criteria for user=u1"},
		{"User=u1 Address=10.0.0.0/8", true, v100, "user u1; address 10.0.0.0/8"},
		{"exec=true", false, v92, "exec true"},
		{`exec="touch X"`, false, v92, "exec touch X"},
		{`exec="touch X"`, false, v100, "exec touch X"},
		{"exec=true", false, v99, "error: Missing Match criteria for exec=true"},
		// Quotes: strdelim knows only double quotes, and a quote inside a
		// token runs to the next one.
		{`host "a b"`, false, v92, "host a b"},
		{`host 'a'`, false, v92, "host 'a'"},
		{`host 'a'`, false, v99, "host a"},
		{`host a"b c"d`, false, v92, "error: Missing Match criteria for d"},
		{`host a"b c"d`, false, v99, "host ab cd"},
		{`host "a`, false, v92, "error: invalid quotes"},
		{"host a\rb", false, v92, "error: Missing Match criteria for b"},
		// Criteria by release.
		{"tagged x", false, v92, "error: Unsupported Match attribute tagged"},
		{"tagged x", false, v94, "tagged x"},
		{"version OpenSSH_10*", false, v99, "error: Unsupported Match attribute version"},
		{"version OpenSSH_10*", false, v100, "version OpenSSH_10*"},
		{"version OpenSSH_10*", true, v100, "version OpenSSH_10*"},
		{"invalid-user", true, v92, "error: Missing Match criteria for invalid-user"},
		{"invalid-user", true, v99, "invalid-user"},
		// Syntax.
		{"all", false, v92, "all"},
		{"!all", false, v92, "!all"},
		{"final all", false, v92, "final; all"},
		{"canonical final all", false, v92, "error: 'all' cannot be combined"},
		{"host x all", false, v92, "host x; all"}, // readconf.c counts attributes after the check
		{"user x all", true, v92, "error: 'all' cannot be combined"},
		{"all host x", false, v92, "error: 'all' cannot be combined"},
		{"host", false, v92, "error: Missing Match criteria for host"},
		{"host #x", false, v92, "error: Missing Match criteria for host"},
		{"host a # comment", false, v92, "host a"},
		{"#x", false, v92, "error: One or more attributes required for Match"},
		{"!user x", true, v92, "error: Unsupported Match attribute !user"},
		{"bogus x", false, v92, "error: Unsupported Match attribute bogus"},
		{`host a "" user b`, false, v92, "error: keyword Match extra arguments at end of line"},
		{"Address 10.0.1.0/8", true, v92, "error: Invalid Match address argument '10.0.1.0/8'"},
		{"Address 10.0.0.0/8,!10.1.2.3", true, v92, "address 10.0.0.0/8,!10.1.2.3"},
		{"Address 1.2.3.4/33", true, v92, "error: Invalid Match address argument"},
		{"Address 1.2.3.4/129", true, v92, "address 1.2.3.4/129"}, // not a network: a wildcard pattern
		{"Address 10.0.0.*", true, v92, "address 10.0.0.*"},
		{"Address 10.0.0.1,", true, v92, "error: Invalid Match address argument"},
		{"LocalAddress ::1/64", true, v92, "error: Invalid Match localaddress argument"},
		{"LocalPort 22", true, v92, "localport 22"},
		{"LocalPort ssh", true, v92, "error: Invalid LocalPort 'ssh'"},
		{"localnetwork 10.0.0.0/8", false, v94, "localnetwork 10.0.0.0/8"},
		{"localnetwork 10.0.0.*", false, v94, "error: Match localnetwork: invalid network"},
	}
	for _, tt := range tests {
		l := sshconf.Parse([]byte("Match " + tt.line + "\n")).Lines[0]
		crit, err := ParseMatch(l, tt.server, fixed(tt.v))
		got := ""
		if err != nil {
			got = "error: " + err.Error()
		} else {
			var parts []string
			for _, c := range crit {
				parts = append(parts, c.String())
			}
			got = strings.Join(parts, "; ")
		}
		side := "ssh"
		if tt.server {
			side = "sshd"
		}
		if !strings.HasPrefix(got, tt.want) || !strings.HasPrefix(tt.want, "error") && got != tt.want {
			t.Errorf("%s %s: Match %q = %q, want %q", side, tt.v.Release, tt.line, got, tt.want)
		}
	}
}

// TestVersionAskedLazily: a config that uses nothing version-dependent
// never asks for the version; one that does asks once.
func TestVersionAskedLazily(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "config")
	for _, tt := range []struct {
		config string
		asks   int
	}{
		{"Host a\n  ServerAliveInterval 5\nMatch host b user c,!d\n  ServerAliveInterval 6\nInclude /nonexistent/*.conf\n", 0},
		{"Match host=b\n  ServerAliveInterval 6\nMatch host=c\nMatch tagged x\n", 1},
		{"Include ${HOME}/x\nInclude %d/y\n", 1},
		{"SetupTimeOut 5\nSetupTimeOut 6\n", 1},
	} {
		os.WriteFile(cfg, []byte(tt.config), 0o600)
		asks := 0
		r := Resolve(Options{Files: []Input{{Path: cfg}}, Host: "b", Version: func() Version { asks++; return v92 }})
		if asks != tt.asks || (r.Version != nil) != (tt.asks > 0) {
			t.Errorf("%q: version asked %d times (want %d), Result.Version %v", tt.config, asks, tt.asks, r.Version)
		}
	}
}

// TestClientMatchByVersion: Match host=b and Match version decide the
// value the way each release would.
func TestClientMatchByVersion(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "config")
	os.WriteFile(cfg, []byte("Match host=b\n  ServerAliveInterval 202\nMatch version OpenSSH_10*\n  ServerAliveInterval 303\nHost *\n  ServerAliveInterval 5\n"), 0o600)
	for _, tt := range []struct {
		v        Version
		want     string
		rejected bool
	}{
		{v92, "202", true}, // Match version: unsupported before 10.0
		{v99, "5", true},   // both lines refused
		{v100, "202", false},
	} {
		r := Resolve(Options{Files: []Input{{Path: cfg}}, Host: "b", Version: fixed(tt.v)})
		o, _ := r.Effective("serveraliveinterval")
		if o.Line().Value() != tt.want || (r.Rejected() != nil) != tt.rejected {
			t.Errorf("%s: ServerAliveInterval %s (want %s), rejected %v (want %v)", tt.v.Release, o.Line().Value(), tt.want, r.Rejected(), tt.rejected)
		}
	}
	r := Resolve(Options{Files: []Input{{Path: cfg}}, Host: "c", Version: fixed(v100)})
	if o, _ := r.Effective("serveraliveinterval"); o.Line().Value() != "303" {
		t.Errorf("10.0, host c: Match version OpenSSH_10* applies: got %s", o.Line().Value())
	}
}

// TestIncludeTokensByVersion: ${ENV} and %-tokens in Include expand from
// 9.9 on; before, they are literal text that matches no file.
func TestIncludeTokensByVersion(t *testing.T) {
	home := layout(t, map[string]string{
		".ssh/config":      "Include ${KA_DIR}/inc\nInclude %d/.ssh/inc2\nHost *\n  ServerAliveCountMax 9\n",
		"envdir/inc":       "ServerAliveInterval 44\n",
		".ssh/inc2":        "ServerAliveCountMax 7\n",
		".ssh/unknown_tok": "Include %Z\n",
	})
	getenv := func(k string) (string, bool) {
		if k == "KA_DIR" {
			return filepath.Join(home, "envdir"), true
		}
		return "", false
	}
	for _, tt := range []struct {
		v              Version
		interval, maxc string
	}{
		{v92, "", "9"},
		{v99, "44", "7"},
	} {
		r := Resolve(Options{Home: home, Host: "x", Getenv: getenv, Version: fixed(tt.v),
			Files: []Input{{Path: filepath.Join(home, ".ssh", "config"), User: true}}})
		i, _ := r.Effective("serveraliveinterval")
		c, _ := r.Effective("serveralivecountmax")
		got := fmt.Sprintf("%s/%s", valueOr(i), valueOr(c))
		if got != tt.interval+"/"+tt.maxc {
			t.Errorf("%s: interval/countmax %s, want %s/%s", tt.v.Release, got, tt.interval, tt.maxc)
		}
	}
	r := Resolve(Options{Home: home, Host: "x", Version: fixed(v99),
		Files: []Input{{Path: filepath.Join(home, ".ssh", "unknown_tok"), User: true}}})
	if r.Rejected() == nil || !strings.Contains(r.Rejected().Msg, "unknown token %Z") {
		t.Errorf("9.9 exits on an unknown %%-token: %v", r.Problems)
	}
}

func valueOr(o Occurrence) string {
	if o.Doc == nil {
		return ""
	}
	return o.Line().Value()
}

// TestServerMatchConnection: sshd -T -C semantics: a field the connection
// spec leaves out fails its criterion; invalid masks are refused.
func TestServerMatchConnection(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "sshd_config")
	os.WriteFile(cfg, []byte("ClientAliveInterval 1\nMatch user=u1 Host b\n  ClientAliveInterval 2\nMatch Address 10.0.0.0/8,!10.9.9.9\n  ClientAliveInterval 3\n"), 0o600)
	for _, tt := range []struct {
		conn *Conn
		want string
	}{
		{nil, "1"},
		{&Conn{User: "u1", Host: "b", Addr: "1.2.3.4"}, "2"},
		{&Conn{User: "u1", Addr: "1.2.3.4"}, "1"},
		{&Conn{User: "x", Host: "B", Addr: "10.1.2.3"}, "3"},
		{&Conn{User: "x", Host: "b", Addr: "10.9.9.9"}, "1"},
		{&Conn{User: "x", Host: "b", Addr: "012.1.2.3"}, "3"}, // inet_aton: octal 012 is 10
	} {
		r := Resolve(Options{Dialect: sshconf.Server, Files: []Input{{Path: cfg}}, Conn: tt.conn, Version: fixed(v92)})
		o, _ := r.Effective("clientaliveinterval")
		if o.Line().Value() != tt.want {
			t.Errorf("%+v: ClientAliveInterval %s, want %s", tt.conn, o.Line().Value(), tt.want)
		}
	}
	os.WriteFile(cfg, []byte("ClientAliveInterval 1\nMatch Address 10.0.1.0/8\n  ClientAliveInterval 2\n"), 0o600)
	r := Resolve(Options{Dialect: sshconf.Server, Files: []Input{{Path: cfg}}})
	if p := r.Rejected(); p == nil || p.Pos != cfg+":2" || !strings.Contains(p.Msg, "10.0.1.0/8") {
		t.Errorf("invalid mask: rejected %v", p)
	}
}

// TestKeywordsByVersion: a keyword is known from the release that
// introduced it; Debian's own only to Debian's builds.
func TestKeywordsByVersion(t *testing.T) {
	upstream92 := Version{Major: 9, Minor: 2, Release: "OpenSSH_9.2p1"}
	for _, tt := range []struct {
		config string
		server bool
		v      Version
		reject bool
	}{
		{"Tag x\n", false, v92, true},
		{"Tag x\n", false, v94, false},
		{"ProtocolKeepAlives 5\n", false, v92, false},
		{"ProtocolKeepAlives 5\n", false, upstream92, true},
		{"NoSuchKeyword 1\n", false, v92, true},
		{"IgnoreUnknown nosuch*\nNoSuchKeyword 1\n", false, v92, false},
		{"PerSourcePenalties yes\n", true, v92, true},
		{"PerSourcePenalties yes\n", true, v99, false},
		{"Match User x\n  Port 22\n", true, v92, true},
		{"Match User x\n  ClientAliveInterval 5\n", true, v92, false},
		{"Match User x\n  Include /nonexistent\n", true, v92, false},
	} {
		cfg := filepath.Join(t.TempDir(), "config")
		os.WriteFile(cfg, []byte(tt.config), 0o600)
		r := Resolve(Options{Dialect: sshconf.Dialect{Server: tt.server}, Files: []Input{{Path: cfg}}, Host: "x", Version: fixed(tt.v)})
		if (r.Rejected() != nil) != tt.reject {
			t.Errorf("%s %q: rejected %v, want %v", tt.v.Release, tt.config, r.Rejected(), tt.reject)
		}
	}
}

// TestClientMatch10: 10.0's sessiontype and command criteria, for "ssh
// HOST" (a shell, no command).
func TestClientMatch10(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "config")
	for text, want := range map[string]string{
		"Match sessiontype shell\n  ServerAliveInterval 7\n":          "7",
		"Match sessiontype exec,subsystem\n  ServerAliveInterval 7\n": "",
		"Match command=\n  ServerAliveInterval 7\n":                   "7",
		"Match command ls*\n  ServerAliveInterval 7\n":                "",
	} {
		os.WriteFile(cfg, []byte(text), 0o600)
		r := Resolve(Options{Files: []Input{{Path: cfg}}, Host: "b", Version: fixed(v100)})
		o, _ := r.Effective("serveraliveinterval")
		if got := valueOr(o); got != want || r.Rejected() != nil {
			t.Errorf("%q: %q (rejected %v), want %q", text, got, r.Rejected(), want)
		}
	}
}

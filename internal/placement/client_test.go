package placement

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/resolve"
	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

var keepAlive = []Setting{
	{Key: sshconf.ServerAliveInterval, Value: "300"},
	{Key: sshconf.ServerAliveCountMax, Value: "2"},
}

// clientScope returns a scope editing dir/config, with extra files written
// into dir first.
func clientScope(t *testing.T, host, config string, extra map[string]string) Scope {
	t.Helper()
	dir := t.TempDir()
	for name, body := range extra {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o700)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	main := filepath.Join(dir, ".ssh", "config")
	os.MkdirAll(filepath.Dir(main), 0o700)
	if config != "" {
		if err := os.WriteFile(main, []byte(config), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return Scope{Host: host, Opts: resolve.Options{
		Dialect: sshconf.Client, Home: dir, LocalUser: "tester",
		Files: []resolve.Input{{Path: main, User: true}},
	}}
}

func TestEnable(t *testing.T) {
	tests := []struct {
		name, host, in, want string
	}{
		{"missing file", "*", "", "# keepalive: created this file\n# keepalive: added \"Host *\"\nHost *\n    # keepalive: added \"ServerAliveInterval 300\"\n    ServerAliveInterval 300\n    # keepalive: added \"ServerAliveCountMax 2\"\n    ServerAliveCountMax 2\n"},
		{"global default goes last", "*",
			"Host a\n\tUser x\n",
			"Host a\n\tUser x\n# keepalive: added \"Host *\"\nHost *\n\t# keepalive: added \"ServerAliveInterval 300\"\n\tServerAliveInterval 300\n\t# keepalive: added \"ServerAliveCountMax 2\"\n\tServerAliveCountMax 2\n"},
		{"reuse trailing Host *", "*",
			"Host a\n  User x\n\nHost *\n  SendEnv LANG\n# end\n",
			"Host a\n  User x\n\nHost *\n  SendEnv LANG\n  # keepalive: added \"ServerAliveInterval 300\"\n  ServerAliveInterval 300\n  # keepalive: added \"ServerAliveCountMax 2\"\n  ServerAliveCountMax 2\n# end\n"},
		{"reuse trailing Match all", "*",
			"Match all\n  User y\n",
			"Match all\n  User y\n  # keepalive: added \"ServerAliveInterval 300\"\n  ServerAliveInterval 300\n  # keepalive: added \"ServerAliveCountMax 2\"\n  ServerAliveCountMax 2\n"},
		{"update in place keeps style", "*",
			"Host *\n  serveraliveinterval=60 # old\n  ServerAliveCountMax 2\n",
			"Host *\n  # keepalive: changed \"  serveraliveinterval=60 # old\" to \"serveraliveinterval=300 # old\"\n  serveraliveinterval=300 # old\n  ServerAliveCountMax 2\n"},
		{"global line before first Host updated in place, sibling next to it", "*",
			"ServerAliveInterval 30\nHost a\n  User x\n",
			"# keepalive: changed \"ServerAliveInterval 30\" to \"ServerAliveInterval 300\"\nServerAliveInterval 300\n# keepalive: added \"ServerAliveCountMax 2\"\nServerAliveCountMax 2\nHost a\n  User x\n"},
		{"Debian alias updated in place", "*",
			"Host *\n  ProtocolKeepAlives 30\n",
			"Host *\n  # keepalive: changed \"  ProtocolKeepAlives 30\" to \"ProtocolKeepAlives 300\"\n  ProtocolKeepAlives 300\n  # keepalive: added \"ServerAliveCountMax 2\"\n  ServerAliveCountMax 2\n"},
		{"per-host value left alone for the default", "*",
			"Host a\n  ServerAliveInterval 10\n",
			"Host a\n  ServerAliveInterval 10\n# keepalive: added \"Host *\"\nHost *\n  # keepalive: added \"ServerAliveInterval 300\"\n  ServerAliveInterval 300\n  # keepalive: added \"ServerAliveCountMax 2\"\n  ServerAliveCountMax 2\n"},
		{"CRLF and no final newline", "*",
			"Host a\r\n  User x",
			"Host a\r\n  User x\r\n# keepalive: added \"Host *\"\r\nHost *\r\n  # keepalive: added \"ServerAliveInterval 300\"\r\n  ServerAliveInterval 300\r\n  # keepalive: added \"ServerAliveCountMax 2\"\r\n  ServerAliveCountMax 2"},
		{"host block created before general blocks", "web",
			"User me\n\nHost *\n  ServerAliveInterval 60\n",
			"User me\n\n# keepalive: added \"Host web\" and the blank line after its block\nHost web\n  # keepalive: added \"ServerAliveInterval 300\"\n  ServerAliveInterval 300\n  # keepalive: added \"ServerAliveCountMax 2\"\n  ServerAliveCountMax 2\n\nHost *\n  ServerAliveInterval 60\n"},
		{"existing host block reused", "web",
			"Host web\n  User x\nHost *\n  ServerAliveInterval 60\n",
			"Host web\n  User x\n  # keepalive: added \"ServerAliveInterval 300\"\n  ServerAliveInterval 300\n  # keepalive: added \"ServerAliveCountMax 2\"\n  ServerAliveCountMax 2\nHost *\n  ServerAliveInterval 60\n"},
		{"host value in a shared block is not the host's own", "web",
			"Host web db\n  ServerAliveInterval 60\n",
			"# keepalive: added \"Host web\"\nHost web\n  # keepalive: added \"ServerAliveInterval 300\"\n  ServerAliveInterval 300\n  # keepalive: added \"ServerAliveCountMax 2\"\n  ServerAliveCountMax 2\nHost web db\n  ServerAliveInterval 60\n"},
		{"Key=Value file style copied", "*",
			"Host a\n\tUser=x\n",
			"Host a\n\tUser=x\n# keepalive: added \"Host *\"\nHost *\n\t# keepalive: added \"ServerAliveInterval=300\"\n\tServerAliveInterval=300\n\t# keepalive: added \"ServerAliveCountMax=2\"\n\tServerAliveCountMax=2\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := clientScope(t, tt.host, tt.in, nil)
			p := Enable(sc, keepAlive)
			if len(p.Shadowed) > 0 {
				t.Fatalf("shadowed: %v", p.Shadowed)
			}
			if got := string(p.Files[sc.Main()].Bytes()); got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
			// Disable takes out exactly what Enable did: the original
			// bytes come back, keep-alive lines before or not.
			os.WriteFile(sc.Main(), p.Files[sc.Main()].Bytes(), 0o600)
			d := Disable(sc, []string{sshconf.ServerAliveInterval, sshconf.ServerAliveCountMax})
			got := string(d.Files[sc.Main()].Bytes())
			if d.Remove[sc.Main()] != (tt.in == "") {
				t.Errorf("disable removes the file: %v; want it only for the missing file", d.Remove[sc.Main()])
			} else if d.Remove[sc.Main()] {
				got = "" // gone again
			}
			if got != tt.in {
				t.Errorf("disable did not restore:\n%q\nwant:\n%q", got, tt.in)
			}
		})
	}
}

func TestEnableInIncludedFile(t *testing.T) {
	sc := clientScope(t, "*", "Include config.d/*\nHost a\n  User x\n", map[string]string{
		".ssh/config.d/10-base": "Host *\n  ServerAliveInterval 15\n",
	})
	p := Enable(sc, keepAlive)
	inc := filepath.Join(sc.Opts.Home, ".ssh/config.d/10-base")
	if got := string(p.Files[inc].Bytes()); got != "Host *\n  # keepalive: changed \"  ServerAliveInterval 15\" to \"ServerAliveInterval 300\"\n  ServerAliveInterval 300\n  # keepalive: added \"ServerAliveCountMax 2\"\n  ServerAliveCountMax 2\n" {
		t.Errorf("included file:\n%s", got)
	}
	if got := p.Changed(); len(got) != 1 || got[0] != inc {
		t.Errorf("Changed = %v, want only the included file", got)
	}
}

func TestEnableReportsShadow(t *testing.T) {
	// A global line ahead of every block wins for every host. The Host web
	// block could only go above it, which a byte-order mark on that very
	// line rules out: the shadow is reported, not claimed away.
	sc := clientScope(t, "web", "\uFEFFServerAliveInterval 60\nHost x\n  User y\n", nil)
	p := Enable(sc, keepAlive)
	if len(p.Shadowed) != 1 || p.Shadowed[0].By.Index != 0 || !strings.Contains(p.Shadowed[0].Error(), "config:1") {
		t.Fatalf("Shadowed = %v, want the line 1 global", p.Shadowed)
	}
}

func TestEnableHostAboveLeadingGlobal(t *testing.T) {
	sc := clientScope(t, "web", "ServerAliveInterval 60\nHost x\n  User y\n", nil)
	p := Enable(sc, keepAlive)
	want := "# keepalive: added \"Host web\"\nHost web\n  # keepalive: added \"ServerAliveInterval 300\"\n  ServerAliveInterval 300\n  # keepalive: added \"ServerAliveCountMax 2\"\n  ServerAliveCountMax 2\n# keepalive: added \"Match all\"\nMatch all\nServerAliveInterval 60\nHost x\n  User y\n"
	if got := string(p.Files[sc.Main()].Bytes()); got != want || len(p.Shadowed) > 0 {
		t.Fatalf("got (shadowed %v):\n%s\nwant:\n%s", p.Shadowed, got, want)
	}
}

func TestEnableMatchExecMayApply(t *testing.T) {
	sc := clientScope(t, "*", "Match exec \"true\"\n  ServerAliveInterval 5\n", nil)
	p := Enable(sc, keepAlive)
	if len(p.MayApply) != 1 || p.MayApply[0].Index != 1 {
		t.Fatalf("MayApply = %v, want the Match exec line", p.MayApply)
	}
}

// TestEnableHostAboveLeadingInclude: an Include ahead of every block whose
// file sets a general value would shadow a new Host block placed before
// the first block; the block goes above the Include, and "Match all" keeps
// the Include applying to every host. Disable restores the file.
func TestEnableHostAboveLeadingInclude(t *testing.T) {
	in := "# my config\nInclude conf.d/*\nHost a\n  User x\n"
	sc := clientScope(t, "web", in, map[string]string{
		".ssh/conf.d/base": "Host *\n  ServerAliveInterval 60\n",
	})
	p := Enable(sc, keepAlive)
	if len(p.Shadowed) > 0 {
		t.Fatalf("shadowed: %v", p.Shadowed)
	}
	want := "# my config\n# keepalive: added \"Host web\"\nHost web\n  # keepalive: added \"ServerAliveInterval 300\"\n  ServerAliveInterval 300\n  # keepalive: added \"ServerAliveCountMax 2\"\n  ServerAliveCountMax 2\n# keepalive: added \"Match all\"\nMatch all\nInclude conf.d/*\nHost a\n  User x\n"
	got := string(p.Files[sc.Main()].Bytes())
	if got != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}
	os.WriteFile(sc.Main(), []byte(got), 0o600)
	for host, wantVal := range map[string]string{"web": "300", "other": "60"} {
		o := sc.Opts
		o.Host = host
		if eff, ok := resolve.Resolve(o).Effective("serveraliveinterval"); !ok || eff.Line().Value() != wantVal {
			t.Errorf("%s: ServerAliveInterval %v, want %s", host, eff.Line(), wantVal)
		}
	}
	d := Disable(sc, []string{sshconf.ServerAliveInterval, sshconf.ServerAliveCountMax})
	if got := string(d.Files[sc.Main()].Bytes()); got != in {
		t.Errorf("disable did not restore:\n%q\nwant\n%q", got, in)
	}
}

package placement

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/resolve"
	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

var serverSettings = []Setting{
	{Key: sshconf.ClientAliveInterval, Value: "300"},
	{Key: sshconf.ClientAliveCountMax, Value: "2"},
}

var serverKeysForTest = []string{sshconf.ClientAliveInterval, sshconf.ClientAliveCountMax}

// serverRoot writes files (paths relative to /etc/ssh) under a new root
// directory and returns the scope of its sshd_config, evaluated with
// that root as /.
func serverRoot(t *testing.T, files map[string]string) (Scope, string) {
	t.Helper()
	root := t.TempDir()
	etc := filepath.Join(root, "etc", "ssh")
	if err := os.MkdirAll(filepath.Join(etc, "sshd_config.d"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		p := filepath.Join(etc, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return Scope{Opts: resolve.Options{
		Dialect: sshconf.Server,
		FS:      resolve.FS{Root: root},
		Files:   []resolve.Input{{Path: filepath.Join(etc, "sshd_config")}},
	}}, etc
}

func bytesOf(p *Plan, path string) string { return string(p.Files[path].Bytes()) }

func TestEnableServerInsert(t *testing.T) {
	for _, tt := range []struct{ name, in, want string }{
		{
			name: "next to the commented defaults",
			in:   "Include /etc/ssh/sshd_config.d/*.conf\n#TCPKeepAlive yes\n#ClientAliveInterval 0\n#ClientAliveCountMax 3\n#UseDNS no\n\nSubsystem sftp /usr/lib/openssh/sftp-server\n\n#Match User anoncvs\n#\tX11Forwarding no\n",
			want: "Include /etc/ssh/sshd_config.d/*.conf\n#TCPKeepAlive yes\n#ClientAliveInterval 0\n# keepalive: added \"ClientAliveInterval 300\"\nClientAliveInterval 300\n#ClientAliveCountMax 3\n# keepalive: added \"ClientAliveCountMax 2\"\nClientAliveCountMax 2\n#UseDNS no\n\nSubsystem sftp /usr/lib/openssh/sftp-server\n\n#Match User anoncvs\n#\tX11Forwarding no\n",
		},
		{
			name: "before the comments that introduce the first Match",
			in:   "Port 22\nSubsystem sftp internal-sftp\n\n# Jail the SFTP users.\nMatch Group sftponly\n\tChrootDirectory %h\n\tForceCommand internal-sftp\n",
			want: "Port 22\nSubsystem sftp internal-sftp\n# keepalive: added \"ClientAliveInterval 300\"\nClientAliveInterval 300\n# keepalive: added \"ClientAliveCountMax 2\"\nClientAliveCountMax 2\n\n# Jail the SFTP users.\nMatch Group sftponly\n\tChrootDirectory %h\n\tForceCommand internal-sftp\n",
		},
		{
			name: "a file that starts with Match",
			in:   "Match User sftp\n    ForceCommand internal-sftp\n",
			want: "# keepalive: added \"ClientAliveInterval 300\"\nClientAliveInterval 300\n# keepalive: added \"ClientAliveCountMax 2\"\nClientAliveCountMax 2\nMatch User sftp\n    ForceCommand internal-sftp\n",
		},
		{
			name: "no Match and no final newline",
			in:   "Port 22\nUsePAM yes",
			want: "Port 22\nUsePAM yes\n# keepalive: added \"ClientAliveInterval 300\"\nClientAliveInterval 300\n# keepalive: added \"ClientAliveCountMax 2\"\nClientAliveCountMax 2",
		},
		{
			name: "CRLF kept, never inside the trailing Match",
			in:   "AuthorizedKeysFile\t.ssh/authorized_keys\r\nSubsystem\tsftp\tsftp-server.exe\r\n\r\n# Example\r\n#Match User anoncvs\r\n\r\nMatch Group administrators\r\n       AuthorizedKeysFile __PROGRAMDATA__/ssh/administrators_authorized_keys\r\n",
			want: "AuthorizedKeysFile\t.ssh/authorized_keys\r\nSubsystem\tsftp\tsftp-server.exe\r\n# keepalive: added \"ClientAliveInterval\\t300\"\r\nClientAliveInterval\t300\r\n# keepalive: added \"ClientAliveCountMax\\t2\"\r\nClientAliveCountMax\t2\r\n\r\n# Example\r\n#Match User anoncvs\r\n\r\nMatch Group administrators\r\n       AuthorizedKeysFile __PROGRAMDATA__/ssh/administrators_authorized_keys\r\n",
		},
		{
			name: "key=value and lower case: updated in place, sibling after it",
			in:   "port=2222\nclientaliveinterval=45\nusedns = no\nmatch user backup\n    forcecommand internal-sftp\n",
			want: "port=2222\n# keepalive: changed \"clientaliveinterval=45\" to \"clientaliveinterval=300\"\nclientaliveinterval=300\n# keepalive: added \"ClientAliveCountMax=2\"\nClientAliveCountMax=2\nusedns = no\nmatch user backup\n    forcecommand internal-sftp\n",
		},
		{
			name: "CountMax exists: Interval goes before it",
			in:   "Port 22\nClientAliveCountMax 9 # keep\nUseDNS no\n",
			want: "Port 22\n# keepalive: added \"ClientAliveInterval 300\"\nClientAliveInterval 300\n# keepalive: changed \"ClientAliveCountMax 9 # keep\" to \"ClientAliveCountMax 2 # keep\"\nClientAliveCountMax 2 # keep\nUseDNS no\n",
		},
		{
			name: "Match all overrides the global value: updated there",
			in:   "ClientAliveInterval 10\nMatch all\n  ClientAliveInterval 77\n",
			want: "ClientAliveInterval 10\nMatch all\n  # keepalive: changed \"  ClientAliveInterval 77\" to \"ClientAliveInterval 300\"\n  ClientAliveInterval 300\n  # keepalive: added \"ClientAliveCountMax 2\"\n  ClientAliveCountMax 2\n",
		},
		{
			name: "a commented default inside a Match block is not a place",
			in:   "Port 22\nMatch User bob\n#ClientAliveInterval 0\n  X11Forwarding no\n",
			want: "Port 22\n# keepalive: added \"ClientAliveInterval 300\"\nClientAliveInterval 300\n# keepalive: added \"ClientAliveCountMax 2\"\nClientAliveCountMax 2\nMatch User bob\n#ClientAliveInterval 0\n  X11Forwarding no\n",
		},
		{
			name: "a Match-block value is not the global one",
			in:   "Port 22\nMatch User bob\n  ClientAliveInterval 5\n",
			want: "Port 22\n# keepalive: added \"ClientAliveInterval 300\"\nClientAliveInterval 300\n# keepalive: added \"ClientAliveCountMax 2\"\nClientAliveCountMax 2\nMatch User bob\n  ClientAliveInterval 5\n",
		},
		{
			name: "empty file",
			in:   "",
			want: "# keepalive: added \"ClientAliveInterval 300\"\nClientAliveInterval 300\n# keepalive: added \"ClientAliveCountMax 2\"\nClientAliveCountMax 2\n",
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sc, etc := serverRoot(t, map[string]string{"sshd_config": tt.in})
			main := filepath.Join(etc, "sshd_config")
			p := EnableServer(sc, serverSettings, "")
			if len(p.Shadowed) > 0 {
				t.Fatalf("shadowed: %v", p.Shadowed)
			}
			if got := bytesOf(p, main); got != tt.want {
				t.Fatalf("got:\n%q\nwant:\n%q", got, tt.want)
			}
			// A second run changes nothing.
			writeFile(t, main, tt.want)
			if p2 := EnableServer(sc, serverSettings, ""); len(p2.Changed()) != 0 {
				t.Fatalf("second run changes %v:\n%s", p2.Changed(), bytesOf(p2, main))
			}
			// disable restores the original, keep-alive lines or not.
			d := DisableServer(sc, serverKeysForTest, "")
			if got := bytesOf(d, main); got != tt.in {
				t.Fatalf("disable gave:\n%q\nwant the original:\n%q", got, tt.in)
			}
		})
	}
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// On Debian and Ubuntu the Include at the top makes a drop-in win over
// the main file: the drop-in's line is the one to update.
func TestEnableServerUpdatesShadowingDropIn(t *testing.T) {
	mainIn := "Include /etc/ssh/sshd_config.d/*.conf\n#ClientAliveInterval 0\nClientAliveInterval 60\n"
	dropIn := "# cloud-init\nPasswordAuthentication no\nClientAliveInterval 120\n"
	sc, etc := serverRoot(t, map[string]string{"sshd_config": mainIn, "sshd_config.d/50-cloud-init.conf": dropIn})
	p := EnableServer(sc, serverSettings, "")
	if len(p.Shadowed) > 0 {
		t.Fatalf("shadowed: %v", p.Shadowed)
	}
	di := filepath.Join(etc, "sshd_config.d", "50-cloud-init.conf")
	if got, want := bytesOf(p, di), "# cloud-init\nPasswordAuthentication no\n# keepalive: changed \"ClientAliveInterval 120\" to \"ClientAliveInterval 300\"\nClientAliveInterval 300\n# keepalive: added \"ClientAliveCountMax 2\"\nClientAliveCountMax 2\n"; got != want {
		t.Errorf("drop-in:\n%q\nwant\n%q", got, want)
	}
	if got := bytesOf(p, filepath.Join(etc, "sshd_config")); got != mainIn {
		t.Errorf("main file changed:\n%q", got)
	}
	if got := p.Changed(); len(got) != 1 || got[0] != di {
		t.Errorf("Changed() = %v, want only the drop-in", got)
	}
	// disable gives the provider's drop-in its 120 back and leaves the
	// main file's value, which keepalive did not write, where it is;
	// --all removes every keep-alive line, whoever wrote it.
	writeFile(t, di, bytesOf(p, di))
	d := DisableServer(sc, serverKeysForTest, "")
	if got := bytesOf(d, di); got != dropIn {
		t.Errorf("disable drop-in:\n%q\nwant the original\n%q", got, dropIn)
	}
	if got := bytesOf(d, filepath.Join(etc, "sshd_config")); got != mainIn {
		t.Errorf("disable main:\n%q\nwant it unchanged", got)
	}
	if len(d.Kept) != 1 || d.Kept[0].Pos != filepath.Join(etc, "sshd_config")+":3" || d.Kept[0].Why != KeptNotOurs {
		t.Errorf("Kept = %+v, want the main file's line 3, not set by keepalive", d.Kept)
	}
	a := DisableServerAll(sc, serverKeysForTest, "")
	if got, want := bytesOf(a, di), "# cloud-init\nPasswordAuthentication no\n"; got != want {
		t.Errorf("disable --all drop-in:\n%q\nwant\n%q", got, want)
	}
	if got, want := bytesOf(a, filepath.Join(etc, "sshd_config")), "Include /etc/ssh/sshd_config.d/*.conf\n#ClientAliveInterval 0\n"; got != want {
		t.Errorf("disable --all main:\n%q\nwant\n%q", got, want)
	}
}

func TestEnableServerMatch(t *testing.T) {
	t.Run("created at the end", func(t *testing.T) {
		in := "Port 22\nMatch Group administrators\n\tAuthorizedKeysFile x\n"
		sc, etc := serverRoot(t, map[string]string{"sshd_config": in})
		main := filepath.Join(etc, "sshd_config")
		p := EnableServer(sc, serverSettings, "User bob")
		want := in + "# keepalive: added \"Match User bob\"\nMatch User bob\n\t# keepalive: added \"ClientAliveInterval 300\"\n\tClientAliveInterval 300\n\t# keepalive: added \"ClientAliveCountMax 2\"\n\tClientAliveCountMax 2\n"
		if got := bytesOf(p, main); got != want || len(p.Shadowed) > 0 {
			t.Fatalf("got %q (shadowed %v), want %q", got, p.Shadowed, want)
		}
		writeFile(t, main, want)
		if p := EnableServer(sc, serverSettings, "user bob"); len(p.Changed()) != 0 {
			t.Fatalf("second run changed:\n%s", bytesOf(p, main))
		}
		if d := DisableServer(sc, serverKeysForTest, "User bob"); bytesOf(d, main) != in {
			t.Fatalf("disable gave %q, want %q", bytesOf(d, main), in)
		}
		// The global disable leaves Match blocks alone.
		if d := DisableServer(sc, serverKeysForTest, ""); len(d.Changed()) != 0 {
			t.Fatalf("global disable touched the Match block:\n%s", bytesOf(d, main))
		}
	})
	t.Run("existing block updated", func(t *testing.T) {
		in := "Port 22\nMatch User bob\n  X11Forwarding no\n  ClientAliveInterval 5\nMatch all\n"
		sc, etc := serverRoot(t, map[string]string{"sshd_config": in})
		p := EnableServer(sc, serverSettings, "User bob")
		want := "Port 22\nMatch User bob\n  X11Forwarding no\n  # keepalive: changed \"  ClientAliveInterval 5\" to \"ClientAliveInterval 300\"\n  ClientAliveInterval 300\n  # keepalive: added \"ClientAliveCountMax 2\"\n  ClientAliveCountMax 2\nMatch all\n"
		if got := bytesOf(p, filepath.Join(etc, "sshd_config")); got != want || len(p.Shadowed) > 0 {
			t.Fatalf("got %q (shadowed %v), want %q", got, p.Shadowed, want)
		}
	})
	t.Run("an earlier matching block shadows it", func(t *testing.T) {
		in := "Port 22\nMatch User alice,bob\n  ClientAliveInterval 5\n"
		sc, etc := serverRoot(t, map[string]string{"sshd_config": in})
		p := EnableServer(sc, serverSettings, "User bob")
		if len(p.Shadowed) != 1 || p.Shadowed[0].By.Pos() != filepath.Join(etc, "sshd_config")+":3" {
			t.Fatalf("shadowed = %v, want the line in Match User alice,bob (line 3)", p.Shadowed)
		}
	})
	t.Run("address criteria", func(t *testing.T) {
		in := "Port 22\nMatch Address 10.0.0.0/8,!10.9.9.9\n  ClientAliveInterval 5\n"
		sc, etc := serverRoot(t, map[string]string{"sshd_config": in})
		p := EnableServer(sc, serverSettings, "Address 10.0.0.0/8,!10.9.9.9")
		want := "Port 22\nMatch Address 10.0.0.0/8,!10.9.9.9\n  # keepalive: changed \"  ClientAliveInterval 5\" to \"ClientAliveInterval 300\"\n  ClientAliveInterval 300\n  # keepalive: added \"ClientAliveCountMax 2\"\n  ClientAliveCountMax 2\n"
		if got := bytesOf(p, filepath.Join(etc, "sshd_config")); got != want || len(p.Shadowed) > 0 {
			t.Fatalf("got %q (shadowed %v), want %q", got, p.Shadowed, want)
		}
	})
}

func TestEnableServerDropIn(t *testing.T) {
	include := "Include /etc/ssh/sshd_config.d/*.conf\n"
	t.Run("new file", func(t *testing.T) {
		sc, etc := serverRoot(t, map[string]string{
			"sshd_config":                      include + "ClientAliveInterval 60\n",
			"sshd_config.d/50-cloud-init.conf": "ClientAliveCountMax 9\n",
		})
		p, err := EnableServerDropIn(sc, serverSettings, DropInName)
		if err != nil {
			t.Fatal(err)
		}
		di := filepath.Join(etc, "sshd_config.d", DropInName)
		if got, want := bytesOf(p, di), "# keepalive: added \"ClientAliveInterval 300\"\nClientAliveInterval 300\n# keepalive: added \"ClientAliveCountMax 2\"\nClientAliveCountMax 2\n"; got != want {
			t.Fatalf("drop-in %q, want %q", got, want)
		}
		if len(p.Shadowed) > 0 {
			t.Fatalf("shadowed: %v", p.Shadowed)
		}
		if got := p.Changed(); len(got) != 1 || got[0] != di {
			t.Fatalf("Changed() = %v", got)
		}
		// Once written, a second run reads it and changes nothing.
		writeFile(t, di, bytesOf(p, di))
		p2, err := EnableServerDropIn(sc, serverSettings, DropInName)
		if err != nil || len(p2.Changed()) != 0 || len(p2.Shadowed) > 0 {
			t.Fatalf("second run: err %v, changed %v, shadowed %v", err, p2.Changed(), p2.Shadowed)
		}
	})
	t.Run("relative Include", func(t *testing.T) {
		sc, etc := serverRoot(t, map[string]string{"sshd_config": "Include sshd_config.d/*.conf\n"})
		p, err := EnableServerDropIn(sc, serverSettings, DropInName)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Changed(); len(got) != 1 || got[0] != filepath.Join(etc, "sshd_config.d", DropInName) {
			t.Fatalf("Changed() = %v", got)
		}
	})
	for _, tt := range []struct {
		name  string
		files map[string]string
		by    string // path:line relative to etc
	}{
		{"an earlier drop-in", map[string]string{"sshd_config": include, "sshd_config.d/00-aaa.conf": "UseDNS no\nClientAliveInterval 5\n"}, "sshd_config.d/00-aaa.conf:2"},
		{"the main file before the Include", map[string]string{"sshd_config": "ClientAliveInterval 5\n" + include}, "sshd_config:1"},
		{"an Include before it", map[string]string{"sshd_config": "Include /etc/ssh/extra.conf\n" + include, "extra.conf": "ClientAliveCountMax 4\n"}, "extra.conf:1"},
		{"Match all after it", map[string]string{"sshd_config": include + "Match all\n  ClientAliveInterval 5\n"}, "sshd_config:3"},
	} {
		t.Run("shadowed by "+tt.name, func(t *testing.T) {
			sc, etc := serverRoot(t, tt.files)
			p, err := EnableServerDropIn(sc, serverSettings, DropInName)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Shadowed) != 1 || p.Shadowed[0].By.Pos() != filepath.Join(etc, tt.by) {
				t.Fatalf("shadowed = %v, want one by %s", p.Shadowed, tt.by)
			}
		})
	}
	t.Run("a later line does not shadow", func(t *testing.T) {
		sc, _ := serverRoot(t, map[string]string{"sshd_config": include + "ClientAliveInterval 5\n", "sshd_config.d/99-z.conf": "ClientAliveCountMax 7\n"})
		p, err := EnableServerDropIn(sc, serverSettings, DropInName)
		if err != nil || len(p.Shadowed) > 0 {
			t.Fatalf("err %v, shadowed %v", err, p.Shadowed)
		}
	})
	for _, in := range []string{"Port 22\n", "Match User bob\n  " + include, "Include /etc/ssh/extra.conf\n"} {
		sc, _ := serverRoot(t, map[string]string{"sshd_config": in})
		if _, err := EnableServerDropIn(sc, serverSettings, DropInName); err == nil || !strings.Contains(err.Error(), "Include") {
			t.Errorf("%q: err = %v, want one about the missing Include", in, err)
		}
	}
}

func TestServerParseMatch(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want string // args joined, or "error"
		spec string
	}{
		{"User bob", "User bob", "user=bob"},
		{"all", "all", ""},
		{"  User   bob  Address 10.0.0.0/8 ", "User bob Address 10.0.0.0/8", "user=bob,addr=10.0.0.0"},
		{"Host *.example.com LocalPort 2222", "Host *.example.com LocalPort 2222", "host=keepalive-probe.example.com,lport=2222"},
		{"Address 192.168.0.*", "Address 192.168.0.*", "addr=192.168.0.1"},
		{"Group sftp", "Group sftp", ""},
		{"User !root,*", "User !root,*", "user=keepalive-probe"},
		{"user=bob", "User bob", "user=bob"},
		{"host=b Address = 10.0.0.0/8", "Host b Address 10.0.0.0/8", "host=b,addr=10.0.0.0"},
		{"User=bob LocalPort=22", "User bob LocalPort 22", "user=bob,lport=22"},
		{"Address 10.0.1.0/8", "error", ""},
		{"User bob all", "error", ""},
		{"User", "error", ""},
		{"Exec true", "error", ""},
		{"User \"bob\"", "error", ""},
		{"User !root", "error", ""},
		{"", "error", ""},
	} {
		args, err := ParseMatch(tt.in)
		got := strings.Join(args, " ")
		if err != nil {
			got = "error"
		}
		if got != tt.want {
			t.Errorf("ParseMatch(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			continue
		}
		if err == nil {
			if spec := ConnSpec(MatchConn(args)); spec != tt.spec {
				t.Errorf("ConnSpec(MatchConn(%q)) = %q, want %q", tt.in, spec, tt.spec)
			}
		}
	}
}

// TestServerMatchEqualsForm: a Match block written "criterion=value"
// matches the connections sshd says it does (issue: "Match host=a" used to
// match every connection, so --match "Host b" was refused as shadowed).
func TestServerMatchEqualsForm(t *testing.T) {
	in := "ClientAliveInterval 5\nMatch host=a\n  ClientAliveInterval 102\n"
	sc, etc := serverRoot(t, map[string]string{"sshd_config": in})
	main := filepath.Join(etc, "sshd_config")
	unmarked := func(s string) string { // without keepalive's "# keepalive:" notes
		var out []string
		for _, l := range strings.SplitAfter(s, "\n") {
			if !strings.HasPrefix(strings.TrimSpace(l), "# keepalive:") {
				out = append(out, l)
			}
		}
		return strings.Join(out, "")
	}
	p := EnableServer(sc, serverSettings, "Host b")
	if len(p.Shadowed) != 0 {
		t.Errorf("--match 'Host b': shadowed by %v; Match host=a does not apply to host b", p.Shadowed)
	}
	want := in + "Match Host b\n  ClientAliveInterval 300\n  ClientAliveCountMax 2\n"
	if got := unmarked(bytesOf(p, main)); got != want {
		t.Errorf("--match 'Host b':\n%s\nwant\n%s", got, want)
	}
	// The same criteria in either spelling are the same block.
	for _, m := range []string{"host=a", "Host a", "HOST = a"} {
		p := EnableServer(sc, serverSettings, m)
		want := "ClientAliveInterval 5\nMatch host=a\n  ClientAliveInterval 300\n  ClientAliveCountMax 2\n"
		if got := unmarked(bytesOf(p, main)); got != want || len(p.Shadowed) != 0 {
			t.Errorf("--match %q:\n%s\nwant\n%s (shadowed %v)", m, got, want, p.Shadowed)
		}
	}
}

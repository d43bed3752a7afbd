//go:build linux

package winetest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// test that enable and disable edit %USERPROFILE%\.ssh\config on Windows:
// a new file (and .ssh) is created, and deleted again by disable (.ssh
// stays); a CRLF file stays CRLF, and disable gives back the file byte for
// byte.
func TestClientConfigUnderWine(t *testing.T) {
	m := wineMachine(t)
	dotSSH := filepath.Join(m.profile, ".ssh")
	os.RemoveAll(dotSSH)
	config := filepath.Join(dotSSH, "config")

	// No .ssh yet: created, with the Host block alone, in LF as OpenSSH
	// (on Windows too) writes its own files.
	r := m.must(t, "enable", "--host", "web", "--interval", "60")
	mustContain(t, "enable on no file", r.stdout, `changed C:\users\`)
	mustContain(t, "enable on no file", r.stdout, `\.ssh\config: ServerAliveInterval 60 (was off), ServerAliveCountMax 2 (was not set) in Host web`)
	if got, want := readFile(t, config), "# keepalive: created this file\n# keepalive: added \"Host web\"\nHost web\n    # keepalive: added \"ServerAliveInterval 60\"\n    ServerAliveInterval 60\n    # keepalive: added \"ServerAliveCountMax 2\"\n    ServerAliveCountMax 2\n"; got != want {
		t.Errorf("new config:\n%q\nwant\n%q", got, want)
	}

	// disable deletes the file it created again; .ssh stays.
	r = m.must(t, "disable", "--host", "web")
	mustContain(t, "disable on the created file", r.stdout, "removed the file, which keepalive had created")
	if _, err := os.Stat(config); !os.IsNotExist(err) {
		t.Errorf("disable left the config enable created: %v", err)
	}
	if info, err := os.Stat(dotSSH); err != nil || !info.IsDir() {
		t.Errorf(".ssh after disable: %v; want it left", err)
	}

	orig := crlf("# written on Windows\nHost web\n  HostName web.example\n  User me\n\nHost *\n  IdentityFile ~/.ssh/id_ed25519\n")
	writeFile(t, config, orig)
	r = m.must(t, "enable", "--interval", "120")
	mustContain(t, "enable", r.stdout, "ServerAliveInterval 120 (was off), ServerAliveCountMax 2 (was not set) in Host *")
	got := readFile(t, config)
	if want := strings.TrimSuffix(orig, "\r\n") + crlf("\n  # keepalive: added \"ServerAliveInterval 120\"\n  ServerAliveInterval 120\n  # keepalive: added \"ServerAliveCountMax 2\"\n  ServerAliveCountMax 2\n"); got != want {
		t.Errorf("enable on a CRLF config:\n%q\nwant\n%q", got, want)
	}
	if strings.Count(got, "\n") != strings.Count(got, "\r\n") {
		t.Errorf("a bare LF in a CRLF file: %q", got)
	}
	r = m.must(t, "show", "--json", "--host", "web")
	mustContain(t, "show --json", r.stdout, `"value": 120`, `.ssh\\config:9"`)

	r = m.must(t, "disable")
	mustContain(t, "disable", r.stdout, "removed ServerAliveInterval 120, removed ServerAliveCountMax 2 in Host *")
	if got := readFile(t, config); got != orig {
		t.Errorf("disable did not give back the file:\n%q\nwant\n%q", got, orig)
	}
}

// sshdConfig is the shape of the sshd_config Windows OpenSSH installs in
// %ProgramData%\ssh, trimmed: CRLF, the keep-alive commented out, and
// `Match Group administrators` as the last block.
var sshdConfig = crlf(`# sshd_config of OpenSSH for Windows (trimmed)

#Port 22
#HostKey __PROGRAMDATA__/ssh/ssh_host_ed25519_key
#PubkeyAuthentication yes

AuthorizedKeysFile	.ssh/authorized_keys

#TCPKeepAlive yes
#ClientAliveInterval 0
#ClientAliveCountMax 3

# override default of no subsystems
Subsystem	sftp	sftp-server.exe

Match Group administrators
       AuthorizedKeysFile __PROGRAMDATA__/ssh/administrators_authorized_keys
`)

// test that server edits %ProgramData%\ssh\sshd_config: the values go in
// before `Match Group administrators`, CRLF is kept, the messages say what
// is different on Windows (no sshd -t without sshd.exe, Restart-Service
// instead of a reload), and disable --server gives back the file.
func TestServerConfigUnderWine(t *testing.T) {
	m := wineMachine(t)
	config := filepath.Join(m.prefix, "drive_c", "ProgramData", "ssh", "sshd_config")
	writeFile(t, config, sshdConfig)

	// Without sshd.exe there is no sshd -t: refuse, and say how to get it.
	r := m.keepalive(t, "server")
	if r.code != 1 {
		t.Errorf("server without sshd.exe: exit %d, want 1", r.code)
	}
	mustContain(t, "server without sshd.exe", r.stderr,
		"keepalive: cannot check the edited config: sshd is not installed",
		"install OpenSSH Server (Settings > Optional features", "Add-WindowsCapability", "--no-validate")
	if got := readFile(t, config); got != sshdConfig {
		t.Errorf("refused edit wrote:\n%q", got)
	}

	r = m.must(t, "server", "--no-validate", "--interval", "60")
	mustContain(t, "server --no-validate", r.stdout, `changed C:\ProgramData\ssh\sshd_config: ClientAliveInterval 60 (was off), ClientAliveCountMax 2 (was not set)`)
	mustContain(t, "server --no-validate", r.stderr,
		`not checked with sshd -t (--no-validate)`, `sshd.exe -t -f "C:\ProgramData\ssh\sshd_config"`,
		"run `Restart-Service sshd` (as Administrator)")
	// Each value goes under its commented-out default.
	want := strings.NewReplacer("#ClientAliveInterval 0\r\n", "#ClientAliveInterval 0\r\n# keepalive: added \"ClientAliveInterval\\t60\"\r\nClientAliveInterval\t60\r\n",
		"#ClientAliveCountMax 3\r\n", "#ClientAliveCountMax 3\r\n# keepalive: added \"ClientAliveCountMax\\t2\"\r\nClientAliveCountMax\t2\r\n").Replace(sshdConfig)
	got := readFile(t, config)
	if got != want {
		t.Errorf("server on Windows's sshd_config:\n%q\nwant\n%q", got, want)
	}
	if i, j := strings.Index(got, "ClientAliveInterval\t60"), strings.Index(got, "Match Group administrators"); i < 0 || i > j {
		t.Errorf("ClientAliveInterval is not before Match Group administrators:\n%s", got)
	}

	r = m.must(t, "show", "--json")
	mustContain(t, "show --json", r.stdout, `"ClientAliveInterval": {`, `"value": 60`, `C:\\ProgramData\\ssh\\sshd_config:12`)

	r = m.must(t, "server", "--no-validate", "--interval", "90", "--reload")
	mustContain(t, "server --reload", r.stderr, "--reload: Windows cannot reload sshd", "Restart-Service sshd")

	// disable only removes lines: it goes ahead without sshd.exe.
	r = m.must(t, "disable", "--server")
	mustContain(t, "disable --server", r.stdout, "removed ClientAliveInterval 90, removed ClientAliveCountMax 2")
	if got := readFile(t, config); got != sshdConfig {
		t.Errorf("disable --server did not give back the file:\n%q\nwant\n%q", got, sshdConfig)
	}
}

// test that Includes written the Windows way are followed: a relative glob
// with a backslash, an absolute C:\ path and ~/; enable updates the value
// where it is (the included file, CRLF kept) and leaves the main config.
func TestClientIncludesUnderWine(t *testing.T) {
	m := wineMachine(t)
	dotSSH := filepath.Join(m.profile, ".ssh")
	os.RemoveAll(dotSSH)
	winProfile := `C:\` + strings.ReplaceAll(strings.TrimPrefix(m.profile, filepath.Join(m.prefix, "drive_c")+"/"), "/", `\`)
	main := crlf(`Include conf.d\*.conf
Include ` + winProfile + `\.ssh\abs.conf
Include ~/.ssh/tilde.conf

Host web
  HostName web.example
`)
	writeFile(t, filepath.Join(dotSSH, "config"), main)
	writeFile(t, filepath.Join(dotSSH, "conf.d", "10-a.conf"), crlf("Host *\n  ServerAliveInterval 30\n"))
	writeFile(t, filepath.Join(dotSSH, "abs.conf"), crlf("Host abs\n  ServerAliveCountMax 7\n"))
	writeFile(t, filepath.Join(dotSSH, "tilde.conf"), crlf("Host tilde\n  TCPKeepAlive no\n"))

	r := m.must(t, "show", "--json", "--host", "abs")
	mustContain(t, "show --host abs", r.stdout, `"value": 30`, `conf.d\\10-a.conf:2"`, `"value": 7`, `abs.conf:2"`)
	r = m.must(t, "show", "--json", "--host", "tilde")
	mustContain(t, "show --host tilde", r.stdout, `"value": "no"`, `tilde.conf:2"`)

	r = m.must(t, "enable", "--interval", "60")
	mustContain(t, "enable", r.stdout, `conf.d\10-a.conf: ServerAliveInterval 60 (was 30), ServerAliveCountMax 2 (was not set) in Host *`)
	if got, want := readFile(t, filepath.Join(dotSSH, "conf.d", "10-a.conf")), crlf("Host *\n"+
		"  # keepalive: changed \"  ServerAliveInterval 30\" to \"ServerAliveInterval 60\"\n  ServerAliveInterval 60\n"+
		"  # keepalive: added \"ServerAliveCountMax 2\"\n  ServerAliveCountMax 2\n"); got != want {
		t.Errorf("included file:\n%q\nwant\n%q", got, want)
	}
	if got := readFile(t, filepath.Join(dotSSH, "config")); got != main {
		t.Errorf("main config changed:\n%q", got)
	}
}

package cli

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/openssh"
	"github.com/keepalive-ssh/keepalive/internal/placement"
	"github.com/keepalive-ssh/keepalive/internal/sshconf"
	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// srvRun runs keepalive with args and returns the exit code and output.
func srvRun(args ...string) (int, string, string) {
	return srvRunOn(SystemMachine(), args...)
}

// srvRunOn is srvRun on the machine m.
func srvRunOn(m Machine, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := Run(args, Streams{Out: &out, Err: &errb}, m)
	return code, out.String(), errb.String()
}

// sysMachine is the real machine, for tests that pass one.
func sysMachine() *Machine {
	m := SystemMachine()
	return &m
}

// noSSHD is the real machine without sshd.
func noSSHD() Machine {
	m := SystemMachine()
	m.FindProgram = func(name string) (string, error) {
		if name == "sshd" {
			return "", &openssh.NotInstalledError{Name: name}
		}
		return openssh.Find(name)
	}
	return m
}

// srvEtc copies a fixture directory (an /etc/ssh) to root/etc/ssh, with
// an empty sshd_config.d, and returns root/etc/ssh.
func srvEtc(t *testing.T, root, fixture string) string {
	t.Helper()
	etc := filepath.Join(root, "etc", "ssh")
	if err := os.MkdirAll(filepath.Join(etc, "sshd_config.d"), 0o755); err != nil {
		t.Fatal(err)
	}
	if fixture == "" {
		return etc
	}
	err := filepath.WalkDir(fixture, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(fixture, path)
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		dst := filepath.Join(etc, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return etc
}

// srvSnapshot reads every file under dir.
func srvSnapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(path)
			files[path] = string(b)
		}
		return nil
	})
	return files
}

func srvSameFiles(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// srvWithoutClientAlive drops ClientAlive directives (and, with headers,
// Match lines), leaving what an edit must not have touched.
func srvWithoutClientAlive(data string, headers bool) []string {
	var out []string
	f := sshconf.Parse([]byte(data))
	for i, l := range f.Lines {
		if l.Is(sshconf.ClientAliveInterval) || l.Is(sshconf.ClientAliveCountMax) || headers && (l.Is("Match") || l.Kind == sshconf.Blank) {
			continue
		}
		if _, marker := placement.ParseMarker(f.Text(i)); marker {
			continue // keepalive's record of what it did
		}
		// A line that gained a line ending because one was appended
		// after it is the same line.
		out = append(out, strings.TrimRight(l.Raw, "\r\n")+"\n")
	}
	return out
}

func srvHasClientAlive(data string) bool {
	return len(srvWithoutClientAlive(data, false)) != len(sshconf.Parse([]byte(data)).Lines)
}

// srvSSHDT runs the real sshd -T with etc bound over /etc/ssh in a private
// mount namespace, so that sshd reads /etc/ssh/sshd_config and its
// Includes at their real paths.
func srvSSHDT(t *testing.T, etc, conn string) openssh.Config {
	t.Helper()
	hk, err := openssh.NewHostKey("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hk.Close() })
	key := hk.Path
	q := openssh.SSHDQuery{
		File: "/etc/ssh/sshd_config", HostKey: key, Conn: conn,
		Sandbox: &openssh.Sandbox{Binds: map[string]string{etc: "/etc/ssh"}},
	}
	cfg, err := openssh.SSHD(context.Background(), q)
	if err != nil && conn == "" && strings.Contains(err.Error(), "not in connection test specification") {
		// Match LocalPort and the like need a connection to evaluate: one
		// that no Match block of the corpus aims at.
		q.Conn = "user=keepalive-probe,host=keepalive-probe.invalid,addr=192.0.2.1,laddr=192.0.2.2,lport=1"
		cfg, err = openssh.SSHD(context.Background(), q)
	}
	if err != nil {
		t.Fatalf("sshd -T: %v", err)
	}
	return cfg
}

// srvNeedSandbox requires what srvSSHDT needs: root, sshd, unshare, /run/sshd.
func srvNeedSandbox(t *testing.T) {
	t.Helper()
	testenv.Root(t)
	testenv.Tool(t, "sshd")
	testenv.Tool(t, "unshare")
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
		t.Fatal(err)
	}
}

func TestServerCountZero(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "sshd_config")
	code, _, errs := srvRun("server", "--no-validate", "--file", cfg, "--count", "0")
	if code != exitUsage || !strings.Contains(errs, "--count 0") || !strings.Contains(errs, "OpenSSH 8.2") || !strings.Contains(errs, "never disconnect") {
		t.Fatalf("exit %d, %q; want exit 2 explaining ClientAliveCountMax 0", code, errs)
	}
	if _, err := os.Stat(cfg); err == nil {
		t.Fatal("the config was written")
	}
}

func TestServerUsageErrors(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "sshd_config")
	for _, args := range [][]string{
		{"--match", "Exec true"},
		{"--match", "User"},
		{"--match", "User bob", "--drop-in"},
		{"--interval", "0"},
		{"--count", "-1"},
		{"--reload", "--root", t.TempDir()},
	} {
		code, _, errs := srvRun(append([]string{"server", "--no-validate", "--file", cfg}, args...)...)
		if code != exitUsage {
			t.Errorf("server %v: exit %d (%s), want %d", args, code, errs, exitUsage)
		}
	}
	if code, _, errs := srvRun("disable", "--server", "--host", "x", "--file", cfg); code != exitUsage {
		t.Errorf("disable --server --host: exit %d (%s)", code, errs)
	}
}

func TestServerWithoutSSHD(t *testing.T) {
	m := noSSHD()
	cfg := filepath.Join(t.TempDir(), "sshd_config")
	os.WriteFile(cfg, []byte("Port 22\n"), 0o644)
	code, _, errs := srvRunOn(m, "server", "--file", cfg)
	if code != exitFailure || !strings.Contains(errs, "--no-validate") || !strings.Contains(errs, "not installed") {
		t.Fatalf("exit %d, %q; want 1 with a hint to pass --no-validate", code, errs)
	}
	if b, _ := os.ReadFile(cfg); string(b) != "Port 22\n" {
		t.Fatalf("config changed: %q", b)
	}
	if code, _, errs := srvRunOn(m, "server", "--file", cfg, "--no-validate"); code != 0 {
		t.Fatalf("--no-validate: exit %d: %s", code, errs)
	}
	if b, _ := os.ReadFile(cfg); string(b) != "Port 22\n# keepalive: added \"ClientAliveInterval 60\"\nClientAliveInterval 60\n# keepalive: added \"ClientAliveCountMax 2\"\nClientAliveCountMax 2\n" {
		t.Fatalf("--no-validate wrote %q", b)
	}
}

// srvCorpusOK returns, by file name, whether SOURCES.tsv says sshd -t
// accepts a server corpus file.
func srvCorpusOK(t *testing.T) map[string]bool {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testenv.Corpus(t), "SOURCES.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	ok := map[string]bool{}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Split(line, "\t")
		if len(f) < 6 || !strings.HasPrefix(f[0], "server/") {
			continue
		}
		ok[strings.TrimPrefix(f[0], "server/")] = strings.Contains(f[len(f)-1], "sshd -t (OpenSSH 9.2p1): OK")
	}
	return ok
}

// Every real-world sshd_config: only ClientAlive lines change, a second
// run changes nothing, disable restores a file that had none byte for
// byte.
func TestServerCorpus(t *testing.T) {
	// As on a machine without sshd: disable validates when sshd is there
	// (and --no-validate is not given), so take it away.
	m := noSSHD()
	for _, src := range testenv.CorpusFiles(t, "server") {
		name := filepath.Base(src)
		if name == "SOURCES.tsv" {
			continue
		}
		t.Run(name, func(t *testing.T) {
			unixOnly(t, "an /etc/ssh tree under --root (Windows reads ProgramData\\ssh there)")
			orig, err := os.ReadFile(src)
			if err != nil {
				t.Fatal(err)
			}
			etc := srvEtc(t, t.TempDir(), "")
			main := filepath.Join(etc, "sshd_config")
			if err := os.WriteFile(main, orig, 0o644); err != nil {
				t.Fatal(err)
			}
			srvCorpusEdit(t, m, filepath.Dir(filepath.Dir(etc)), main, string(orig), "--no-validate")
		})
	}
}

// srvCorpusEdit runs server on main (under root) and checks the promises.
func srvCorpusEdit(t *testing.T, m Machine, root, main, orig string, extra ...string) {
	t.Helper()
	args := append([]string{"server", "--root", root, "--interval", "77", "--count", "5"}, extra...)
	if code, out, errs := srvRunOn(m, args...); code != 0 {
		t.Fatalf("server: exit %d\n%s%s", code, out, errs)
	}
	b, _ := os.ReadFile(main)
	edited := string(b)
	if got, want := srvWithoutClientAlive(edited, false), srvWithoutClientAlive(orig, false); strings.Join(got, "") != strings.Join(want, "") {
		t.Fatalf("lines other than ClientAlive changed:\n%s", edited)
	}
	if edited == orig && !strings.Contains(strings.ToLower(orig), "clientaliveinterval 77") {
		t.Fatalf("nothing changed")
	}
	if strings.Contains(orig, "\r\n") {
		for _, l := range strings.SplitAfter(edited, "\n") {
			if strings.HasSuffix(l, "\n") && !strings.HasSuffix(l, "\r\n") {
				t.Fatalf("a LF line in a CRLF file: %q", l)
			}
		}
	}
	fi, _ := os.Stat(main)
	code, out, errs := srvRunOn(m, args...)
	fi2, _ := os.Stat(main)
	if b, _ := os.ReadFile(main); code != 0 || string(b) != edited || !strings.HasPrefix(out, "already set") || !fi.ModTime().Equal(fi2.ModTime()) {
		t.Fatalf("second run: exit %d, %s%s, changed %v", code, out, errs, string(b) != edited)
	}
	// disable gives back the original bytes, keep-alive lines or not.
	dargs := []string{"disable", "--server", "--root", root}
	if code, out, errs := srvRunOn(m, dargs...); code != 0 {
		t.Fatalf("disable: exit %d\n%s%s", code, out, errs)
	}
	if b, _ := os.ReadFile(main); string(b) != orig {
		t.Fatalf("disable did not restore the file:\n%s", b)
	}
	// put the edit back for the caller
	os.WriteFile(main, []byte(edited), 0o644)
}

// The same with validation on, and the real sshd -T as the judge: the
// files sshd accepts get the values; the others are refused untouched,
// with the line sshd names.
func TestServerCorpusSSHD(t *testing.T) {
	srvNeedSandbox(t)
	ok := srvCorpusOK(t)
	for _, src := range testenv.CorpusFiles(t, "server") {
		name := filepath.Base(src)
		if name == "SOURCES.tsv" {
			continue
		}
		t.Run(name, func(t *testing.T) {
			orig, err := os.ReadFile(src)
			if err != nil {
				t.Fatal(err)
			}
			root := t.TempDir()
			etc := srvEtc(t, root, "")
			main := filepath.Join(etc, "sshd_config")
			os.WriteFile(main, orig, 0o644)
			if !ok[name] {
				code, _, errs := srvRun("server", "--root", root)
				if b, _ := os.ReadFile(main); code != exitFailure || string(b) != string(orig) {
					t.Fatalf("a config sshd rejects: exit %d, changed %v: %s", code, string(b) != string(orig), errs)
				}
				if !strings.Contains(errs, "already rejects") || !strings.Contains(errs, main+":") {
					t.Fatalf("the refusal does not name %s:LINE: %s", main, errs)
				}
				return
			}
			before := srvSSHDT(t, etc, "")
			srvCorpusEdit(t, SystemMachine(), root, main, string(orig))
			cfg := srvSSHDT(t, etc, "")
			if cfg.Get("clientaliveinterval") != "77" || cfg.Get("clientalivecountmax") != "5" {
				t.Fatalf("sshd -T: clientaliveinterval %q clientalivecountmax %q, want 77 and 5",
					cfg.Get("clientaliveinterval"), cfg.Get("clientalivecountmax"))
			}
			// Without --interval/--count: a keep-alive that is on stays as
			// it is; one that is off becomes 60. disable restores the file.
			os.WriteFile(main, orig, 0o644)
			if code, out, errs := srvRun("server", "--root", root); code != 0 {
				t.Fatalf("server without flags: exit %d\n%s%s", code, out, errs)
			}
			cfg = srvSSHDT(t, etc, "")
			if on := before.Get("clientaliveinterval") != "0"; on && (cfg.Get("clientaliveinterval") != before.Get("clientaliveinterval") || cfg.Get("clientalivecountmax") != before.Get("clientalivecountmax")) {
				t.Errorf("sshd -T after server without flags: %s/%s, want the %s/%s in effect kept", cfg.Get("clientaliveinterval"), cfg.Get("clientalivecountmax"), before.Get("clientaliveinterval"), before.Get("clientalivecountmax"))
			} else if !on && cfg.Get("clientaliveinterval") != "60" {
				t.Errorf("sshd -T after server without flags: clientaliveinterval %s, want 60 (it was off)", cfg.Get("clientaliveinterval"))
			}
			if code, out, errs := srvRun("disable", "--server", "--root", root); code != 0 {
				t.Fatalf("disable: exit %d\n%s%s", code, out, errs)
			}
			if b, _ := os.ReadFile(main); string(b) != string(orig) {
				t.Errorf("disable after server without flags did not restore the file:\n%s", b)
			}
		})
	}
}

// fixtures returns testdata/server's fixture directories.
func srvFixtures(t *testing.T) string {
	return filepath.Join("testdata", "server")
}

// Held-out-style fixtures under a scratch root, checked by the real
// sshd -T reading them at /etc/ssh.
func TestServerFixtures(t *testing.T) {
	srvNeedSandbox(t)
	for _, tt := range []struct {
		fixture string
		changed string // the file the edit goes to, relative to /etc/ssh
	}{
		{"debian-pristine", "sshd_config"},
		{"debian-dropin", "sshd_config.d/50-cloud-init.conf"},
		{"sftp-chroot", "sshd_config"},
		{"windows-crlf", "sshd_config"},
		{"keyvalue-lowercase", "sshd_config"},
	} {
		t.Run(tt.fixture, func(t *testing.T) {
			root := t.TempDir()
			etc := srvEtc(t, root, filepath.Join(srvFixtures(t), tt.fixture))
			before := srvSnapshot(t, etc)
			code, out, errs := srvRun("server", "--root", root, "--interval", "77", "--count", "5")
			if code != 0 {
				t.Fatalf("exit %d: %s%s", code, out, errs)
			}
			after := srvSnapshot(t, etc)
			target := filepath.Join(etc, tt.changed)
			for path, data := range after {
				if path != target && data != before[path] {
					t.Errorf("%s changed too", path)
				}
			}
			if strings.Join(srvWithoutClientAlive(after[target], false), "") != strings.Join(srvWithoutClientAlive(before[target], false), "") {
				t.Errorf("lines other than ClientAlive changed in %s:\n%s", target, after[target])
			}
			if cfg := srvSSHDT(t, etc, ""); cfg.Get("clientaliveinterval") != "77" || cfg.Get("clientalivecountmax") != "5" {
				t.Fatalf("sshd -T: %q %q", cfg.Get("clientaliveinterval"), cfg.Get("clientalivecountmax"))
			}
			if code, out, _ := srvRun("server", "--root", root, "--interval", "77", "--count", "5"); code != 0 || !strings.HasPrefix(out, "already set") || !srvSameFiles(after, srvSnapshot(t, etc)) {
				t.Fatalf("second run: exit %d, %s", code, out)
			}
			if code, out, errs := srvRun("disable", "--server", "--root", root); code != 0 {
				t.Fatalf("disable: exit %d: %s%s", code, out, errs)
			}
			restored := srvSnapshot(t, etc)
			for path, data := range before {
				if restored[path] != data {
					t.Errorf("disable did not restore %s byte for byte:\n%q", path, restored[path])
				}
			}
		})
	}
}

func TestServerFixturesMatchAndDropIn(t *testing.T) {
	srvNeedSandbox(t)
	t.Run("match user in an SFTP chroot config", func(t *testing.T) {
		root := t.TempDir()
		etc := srvEtc(t, root, filepath.Join(srvFixtures(t), "sftp-chroot"))
		before := srvSnapshot(t, etc)
		if code, out, errs := srvRun("server", "--root", root, "--match", "User bob", "--interval", "77"); code != 0 {
			t.Fatalf("exit %d: %s%s", code, out, errs)
		}
		main := filepath.Join(etc, "sshd_config")
		if got, want := srvSnapshot(t, etc)[main], before[main]+"\n# keepalive: added \"Match User bob\" and the blank line above\nMatch User bob\n\t# keepalive: added \"ClientAliveInterval 77\"\n\tClientAliveInterval 77\n\t# keepalive: added \"ClientAliveCountMax 2\"\n\tClientAliveCountMax 2\n"; got != want {
			t.Fatalf("got\n%s\nwant\n%s", got, want)
		}
		if got := srvSSHDT(t, etc, "user=bob,host=h,addr=192.0.2.1").Get("clientaliveinterval"); got != "77" {
			t.Errorf("bob: %q", got)
		}
		if got := srvSSHDT(t, etc, "user=alice,host=h,addr=192.0.2.1").Get("clientaliveinterval"); got != "0" {
			t.Errorf("alice: %q, want the default 0", got)
		}
		if code, out, errs := srvRun("disable", "--server", "--root", root, "--match", "User bob"); code != 0 || srvSnapshot(t, etc)[main] != before[main] {
			t.Fatalf("disable --match: exit %d: %s%s; want the original back", code, out, errs)
		}
	})
	t.Run("drop-in on Debian", func(t *testing.T) {
		root := t.TempDir()
		etc := srvEtc(t, root, filepath.Join(srvFixtures(t), "debian-pristine"))
		before := srvSnapshot(t, etc)
		if code, out, errs := srvRun("server", "--root", root, "--drop-in", "--interval", "77"); code != 0 {
			t.Fatalf("exit %d: %s%s", code, out, errs)
		}
		after := srvSnapshot(t, etc)
		di := filepath.Join(etc, "sshd_config.d", placement.DropInName)
		if after[di] != "# keepalive: added \"ClientAliveInterval 77\"\nClientAliveInterval 77\n# keepalive: added \"ClientAliveCountMax 2\"\nClientAliveCountMax 2\n" || len(after) != len(before)+1 {
			t.Fatalf("files after --drop-in: %v", after)
		}
		if fi, err := os.Stat(di); err != nil || fi.Mode().Perm() != 0o644 {
			t.Fatalf("drop-in mode: %v %v", fi, err)
		}
		if got := srvSSHDT(t, etc, "").Get("clientaliveinterval"); got != "77" {
			t.Errorf("sshd -T: %q", got)
		}
		// disable takes keepalive's drop-in away again: every file as before.
		if code, out, errs := srvRun("disable", "--server", "--root", root); code != 0 || !strings.Contains(out, "removed the file, which keepalive had created") {
			t.Fatalf("disable: exit %d: %s%s", code, out, errs)
		}
		if got := srvSnapshot(t, etc); !srvSameFiles(before, got) {
			t.Errorf("after disable: %v, want %v", got, before)
		}
	})
	t.Run("drop-in shadowed by an earlier one", func(t *testing.T) {
		root := t.TempDir()
		etc := srvEtc(t, root, filepath.Join(srvFixtures(t), "debian-pristine"))
		early := filepath.Join(etc, "sshd_config.d", "00-aaa.conf")
		os.WriteFile(early, []byte("ClientAliveInterval 9\n"), 0o644)
		before := srvSnapshot(t, etc)
		code, _, errs := srvRun("server", "--root", root, "--drop-in", "--interval", "60")
		if code != exitFailure || !strings.Contains(errs, early+":1") || !srvSameFiles(before, srvSnapshot(t, etc)) {
			t.Fatalf("exit %d, %s", code, errs)
		}
		// Without --interval the value in effect is kept, and said where.
		code, out, errs := srvRun("server", "--root", root, "--drop-in")
		if code != 0 || !strings.Contains(out, "kept ClientAliveInterval 9 ("+early+":1); pass --interval to change it") || !srvSameFiles(before, srvSnapshot(t, etc)) {
			t.Fatalf("without --interval: exit %d, %s%s", code, out, errs)
		}
	})
	t.Run("drop-in without an Include", func(t *testing.T) {
		root := t.TempDir()
		etc := srvEtc(t, root, filepath.Join(srvFixtures(t), "sftp-chroot"))
		before := srvSnapshot(t, etc)
		code, _, errs := srvRun("server", "--root", root, "--drop-in")
		if code != exitFailure || !strings.Contains(errs, "hint: add `Include /etc/ssh/sshd_config.d/*.conf`") || !srvSameFiles(before, srvSnapshot(t, etc)) {
			t.Fatalf("exit %d, %s", code, errs)
		}
	})
}

// A config sshd already rejects is reported with its bad line and left
// as it is, whether the bad line is in the main file or a drop-in.
func TestServerRefusesRejected(t *testing.T) {
	srvNeedSandbox(t)
	for _, tt := range []struct{ fixture, bad string }{
		{"rejected", "sshd_config:3"},
		{"rejected-dropin", "sshd_config.d/60-broken.conf:2"},
	} {
		root := t.TempDir()
		etc := srvEtc(t, root, filepath.Join(srvFixtures(t), tt.fixture))
		before := srvSnapshot(t, etc)
		for _, cmd := range [][]string{{"server"}, {"server", "--dry-run"}, {"disable", "--server"}} {
			code, out, errs := srvRun(append(cmd, "--root", root)...)
			if code != exitFailure || !strings.Contains(errs, filepath.Join(etc, tt.bad)+": ") || !strings.Contains(errs, "already rejects") {
				t.Errorf("%s %v: exit %d, %s%s; want 1 naming %s", tt.fixture, cmd, code, out, errs, tt.bad)
			}
		}
		if !srvSameFiles(before, srvSnapshot(t, etc)) {
			t.Errorf("%s: files changed", tt.fixture)
		}
	}
}

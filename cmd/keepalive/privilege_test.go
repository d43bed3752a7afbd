//go:build unix

package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// ownership returns a file's uid, gid and permission bits (with setuid,
// setgid and sticky), without following a symlink.
func ownership(t *testing.T, path string) (uid, gid uint32, mode os.FileMode) {
	t.Helper()
	info, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	st := info.Sys().(*syscall.Stat_t)
	return st.Uid, st.Gid, info.Mode() & (os.ModePerm | os.ModeSetuid | os.ModeSetgid | os.ModeSticky)
}

func wantOwnership(t *testing.T, path string, uid, gid uint32, mode os.FileMode) {
	t.Helper()
	if u, g, m := ownership(t, path); u != uid || g != gid || m != mode {
		t.Errorf("%s is %d:%d %v, want %d:%d %v", path, u, g, m, uid, gid, mode)
	}
}

// testForeignOwner: root edits a config that is a symlink (a dotfile
// manager's) to a file another user owns with mode 0640: the link stays a
// link with the same text, the target keeps its owner and mode, and so
// does its backup.
func (k *keepalive) testForeignOwner(t *testing.T) {
	testenv.Root(t)
	const uid, gid = 1234, 1234
	dir := scratch(t)
	dotfiles := filepath.Join(dir, "dotfiles")
	if err := os.Mkdir(dotfiles, 0o755); err != nil {
		t.Fatal(err)
	}
	target := writeFile(t, filepath.Join(dotfiles, "ssh_config"), []byte(faultConfig), 0o640)
	for _, p := range []string{dotfiles, target} {
		if err := os.Chown(p, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	os.Chmod(target, 0o640)
	link := filepath.Join(dir, "config")
	if err := os.Symlink("dotfiles/ssh_config", link); err != nil {
		t.Fatal(err)
	}

	check := func(step string) {
		t.Helper()
		if text, err := os.Readlink(link); err != nil || text != "dotfiles/ssh_config" {
			t.Fatalf("after %s the link reads %q, %v", step, text, err)
		}
		wantOwnership(t, target, uid, gid, 0o640)
	}

	r := k.run(t, dir, "enable", "--file", link, "--backup")
	if r.code != 0 {
		t.Fatalf("enable: %v", r)
	}
	check("enable")
	if err := faithful([]byte(faultConfig), readFile(t, target)); err != nil {
		t.Fatal(err)
	}
	backup := target + ".keepalive.bak"
	sameBytes(t, backup, []byte(faultConfig))
	wantOwnership(t, backup, uid, gid, 0o640)

	info, _ := os.Stat(target)
	r = k.run(t, dir, "enable", "--file", link)
	if r.code != 0 || !strings.HasPrefix(r.stdout, "already set") {
		t.Fatalf("second enable: %v", r)
	}
	if again, _ := os.Stat(target); !again.ModTime().Equal(info.ModTime()) || !os.SameFile(info, again) {
		t.Errorf("a run with nothing to do rewrote the file")
	}

	r = k.run(t, dir, "disable", "--file", link)
	if r.code != 0 {
		t.Fatalf("disable: %v", r)
	}
	check("disable")
	sameBytes(t, target, []byte(faultConfig))
	onlyFiles(t, dotfiles, "ssh_config", "ssh_config.keepalive.bak")
	onlyFiles(t, dir, "config", "dotfiles")
}

// testSudo: "sudo keepalive enable --user" edits the invoking user's
// ~/.ssh/config, says so, and whatever it creates belongs to that user
// with 0700/0600 even under umask 000. The user is made up for the test:
// a copy of /etc/passwd with them in it is bind-mounted in a private mount
// namespace, so the machine's user database is never touched.
func (k *keepalive) testSudo(t *testing.T) {
	testenv.Root(t)
	const uid, gid = 4242, 4242
	sudo := func(t *testing.T, out string, args ...string) result {
		t.Helper()
		k.inMountNamespace(t, out, `
			sed "s#^root:\([^:]*\):0:0:\([^:]*\):[^:]*:#root:\1:0:0:\2:$OUT/root:#" /etc/passwd >"$OUT/passwd"
			echo "katest:x:4242:4242:keepalive test:$OUT/home/katest:/bin/sh" >>"$OUT/passwd"
			cp /etc/group "$OUT/group"; echo "katest:x:4242:" >>"$OUT/group"
			mount --bind "$OUT/passwd" /etc/passwd
			mount --bind "$OUT/group" /etc/group
			code=0; (umask 000; HOME="${SUDO_HOME:-$OUT/root}" SUDO_USER=katest SUDO_UID=4242 SUDO_GID=4242 exec "$K" $ARGS) >"$OUT/stdout" 2>"$OUT/stderr" || code=$?
			echo $code >"$OUT/code"
		`, "ARGS="+strings.Join(args, " "), "SUDO_HOME="+os.Getenv("SUDO_HOME"))
		return nsResult(t, out, args...)
	}
	setup := func(t *testing.T) (out, home string) {
		out = scratch(t)
		home = filepath.Join(out, "home", "katest")
		for _, d := range []string{filepath.Join(out, "root"), home} {
			if err := os.MkdirAll(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Chown(home, uid, gid); err != nil {
			t.Fatal(err)
		}
		return out, home
	}

	t.Run("new config", func(t *testing.T) {
		out, home := setup(t)
		r := sudo(t, out, "enable", "--user")
		if r.code != 0 {
			t.Fatalf("%v", r)
		}
		cfg := filepath.Join(home, ".ssh", "config")
		if want := "keepalive: note: under sudo --user: editing katest's " + cfg + " as katest, the user who ran sudo\n"; !strings.Contains(r.stderr, want) {
			t.Errorf("stderr does not say whose config it edits, as whom (%q): %v", want, r)
		}
		wantOwnership(t, filepath.Join(home, ".ssh"), uid, gid, 0o700)
		wantOwnership(t, cfg, uid, gid, 0o600)
		onlyFiles(t, filepath.Join(out, "root")) // root's own home untouched
	})

	t.Run("existing config", func(t *testing.T) {
		out, home := setup(t)
		ssh := filepath.Join(home, ".ssh")
		os.Mkdir(ssh, 0o755)
		cfg := writeFile(t, filepath.Join(ssh, "config"), []byte(faultConfig), 0o644)
		for _, p := range []string{ssh, cfg} {
			os.Chown(p, uid, gid)
		}
		os.Chmod(cfg, 0o644)
		r := sudo(t, out, "enable", "--user", "--host", "build")
		if r.code != 0 {
			t.Fatalf("%v", r)
		}
		if err := faithful([]byte(faultConfig), readFile(t, cfg)); err != nil {
			t.Fatal(err)
		}
		wantOwnership(t, ssh, uid, gid, 0o755)
		wantOwnership(t, cfg, uid, gid, 0o644)
		onlyFiles(t, ssh, "config")
	})

	t.Run("without --user", func(t *testing.T) {
		out, home := setup(t)
		r := sudo(t, out, "enable")
		if r.code != 0 {
			t.Fatalf("%v", r)
		}
		onlyFiles(t, home) // sudo alone edits root's config, not the user's
		wantOwnership(t, filepath.Join(out, "root", ".ssh", "config"), 0, 0, 0o600)
		want := "keepalive: note: under sudo: editing root's own " + filepath.Join(out, "root", ".ssh", "config") +
			"; --user edits katest's ~/.ssh/config instead (as katest), --system /etc/ssh/ssh_config\n"
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr does not say that root's own config is edited (%q): %v", want, r)
		}
	})

	// sudo -E (or an old sudo) keeps the user's $HOME: root's own config
	// (from the password database) is still the one meant.
	t.Run("without --user, HOME kept", func(t *testing.T) {
		out, home := setup(t)
		t.Setenv("SUDO_HOME", home)
		r := sudo(t, out, "enable")
		if r.code != 0 {
			t.Fatalf("%v", r)
		}
		onlyFiles(t, home)
		wantOwnership(t, filepath.Join(out, "root", ".ssh", "config"), 0, 0, 0o600)
	})

	// The user owns their home, so they can point ~/.ssh/config anywhere;
	// root must not follow them into a file they could not write.
	t.Run("symlink to root's file", func(t *testing.T) {
		out, home := setup(t)
		victim := writeFile(t, filepath.Join(out, "victim"), []byte("root:secret\n"), 0o644)
		ssh := filepath.Join(home, ".ssh")
		os.Mkdir(ssh, 0o700)
		os.Chown(ssh, uid, gid)
		if err := os.Symlink(victim, filepath.Join(ssh, "config")); err != nil {
			t.Fatal(err)
		}
		r := sudo(t, out, "enable", "--user")
		r.failure(t, 1, victim)
		sameBytes(t, victim, []byte("root:secret\n"))
		wantOwnership(t, victim, 0, 0, 0o644)
	})
}

// neverRunConfig names commands in every place a config can: if keepalive
// ran any of them, through a shell or not, a marker file would appear.
const neverRunConfig = `Match exec "touch $DIR/marker-match-exec"
  ServerAliveInterval 10
Match host a exec "touch $DIR/marker-match-exec-2"
  User a
Host *
  ProxyCommand touch $DIR/marker-proxy
  LocalCommand touch $DIR/marker-local
  PermitLocalCommand yes
  KnownHostsCommand touch $DIR/marker-known-hosts
  RemoteCommand touch $DIR/marker-remote
Include ` + "`touch $DIR/marker-backtick`" + ` $(touch $DIR/marker-dollar) ;touch $DIR/marker-semicolon
`

// testNeverExecutes: keepalive never evaluates Match exec and never runs
// anything a config names. Shells and touch on PATH are fakes that leave a
// marker too, so a shell started by name is caught as well.
func (k *keepalive) testNeverExecutes(t *testing.T) {
	dir := scratch(t)
	fake := filepath.Join(dir, "fakebin")
	os.Mkdir(fake, 0o755)
	for _, name := range []string{"sh", "bash", "dash", "zsh", "touch"} {
		writeFile(t, filepath.Join(fake, name), []byte("#!/bin/sh\n/bin/echo \"$0 $*\" >>"+dir+"/marker-path\n"), 0o755)
	}
	withExec := writeFile(t, filepath.Join(dir, "config"), []byte(strings.ReplaceAll(neverRunConfig, "$DIR", dir)), 0o600)
	noExec := strings.ReplaceAll(neverRunConfig, "$DIR", dir)
	noExec = noExec[strings.Index(noExec, "Host *"):]
	plain := writeFile(t, filepath.Join(dir, "config-no-exec"), []byte(noExec), 0o600)

	for _, args := range [][]string{
		{"enable", "--file", withExec},
		{"enable", "--file", withExec, "--host", "a", "--interval", "60"},
		{"enable", "--file", withExec, "--dry-run"},
		{"disable", "--file", withExec},
		{"disable", "--file", withExec, "--host", "a"},
		{"show", "--file", withExec, "--host", "a", "--no-server", "--no-putty"},
		{"show", "--file", withExec, "--json", "--verify", "--no-server", "--no-putty"},
		{"show", "--file", plain, "--verify", "--no-server", "--no-putty"},
		{"enable", "--file", plain},
	} {
		r := k.runCmd(t, func(ctx context.Context) *exec.Cmd {
			return k.command(ctx, dir, []string{"PATH=" + fake + ":" + os.Getenv("PATH")}, args...)
		}, args)
		r.sane(t)
		if r.code == 2 {
			t.Errorf("usage error: %v", r)
		}
		markers, _ := filepath.Glob(filepath.Join(dir, "marker-*"))
		if len(markers) > 0 {
			t.Fatalf("keepalive %q ran a command from the config: %q\n%v", args, markers, r)
		}
	}
}

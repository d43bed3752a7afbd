//go:build linux

package main

// The attacks of issue 14, each replayed as it was found: an unprivileged
// user "alice" (uid 4242, added to a copy of /etc/passwd bind-mounted in a
// private mount namespace) prepares her files, and root runs keepalive the
// way sudo would. Whatever she does, root must not create, change or show a
// file she could not create, change or read herself. /etc/profile.d,
// /etc/ssh and /etc/shadow are scratch copies bind-mounted in the
// namespace, so the machine's own files are never at stake.
//
//	go test ./cmd/keepalive -run TestAttacks

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

func TestAttacks(t *testing.T) {
	testenv.Root(t)
	k := buildKeepalive(t)
	a := buildAttacker(t, filepath.Dir(k.path))
	t.Run("PuttyAsUser", k.testPuttyAsUser)
	t.Run("PuttyDanglingLink", k.testPuttyDanglingLink)
	t.Run("PuttySeedLink", k.testPuttySeedLink)
	t.Run("PuttySessionsLink", k.testPuttySessionsLink)
	t.Run("SudoUserDirectorySwap", func(t *testing.T) { k.testSudoUserDirectorySwap(t, a) })
	t.Run("SudoUserDisclosure", k.testSudoUserDisclosure)
	t.Run("IncludeInUserDirectory", k.testIncludeInUserDirectory)
	t.Run("RootImageLinks", k.testRootImageLinks)
	t.Run("LockNotBlockable", func(t *testing.T) { k.testLockNotBlockable(t, a) })
}

// buildAttacker compiles testdata/attacker (what alice runs) into dir.
func buildAttacker(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "attacker")
	if out, err := exec.Command("go", "build", "-o", bin, "./testdata/attacker").CombinedOutput(); err != nil {
		t.Fatalf("go build attacker: %v\n%s", err, out)
	}
	return bin
}

// aliceUID is the attacker's uid and gid.
const aliceUID = 4242

// attackPrelude sets up the namespace: alice in the user database with her
// home H, scratch copies over /etc/profile.d, /etc/ssh and /etc/shadow
// (the last holding SECRET-HASH), and a shell function: `sudo NAME HOME
// ARGS...` runs keepalive as root
// started by alice's sudo with HOME (sudo's own HOME or, like sudo -E,
// hers), saving OUT/NAME.{code,stdout,stderr}.
const attackPrelude = `
sed "s#^root:\([^:]*\):0:0:\([^:]*\):[^:]*:#root:\1:0:0:\2:$OUT/root:#" /etc/passwd >"$OUT/passwd"
echo "alice:x:4242:4242:attacker:$OUT/home/alice:/bin/sh" >>"$OUT/passwd"
cp /etc/group "$OUT/group"; echo "alice:x:4242:" >>"$OUT/group"
mount --bind "$OUT/passwd" /etc/passwd
mount --bind "$OUT/group" /etc/group
mkdir -p "$OUT/root" "$OUT/profile.d" "$OUT/etcssh"
mount --bind "$OUT/profile.d" /etc/profile.d
mount --bind "$OUT/etcssh" /etc/ssh
printf 'root:SECRET-HASH:19000:0:99999:7:::\n' >"$OUT/shadow"; chmod 600 "$OUT/shadow"
mount --bind "$OUT/shadow" /etc/shadow
H="$OUT/home/alice"; mkdir -p "$H"; chown 4242:4242 "$H"; chmod 755 "$H"
sudo() {
	n=$1; h=$2; shift 2
	code=0
	HOME="$h" SUDO_USER=alice SUDO_UID=4242 SUDO_GID=4242 "$K" "$@" >"$OUT/$n.stdout" 2>"$OUT/$n.stderr" || code=$?
	echo $code >"$OUT/$n.code"
}
`

// attack runs the prelude and script in a namespace and returns OUT.
func (k *keepalive) attack(t *testing.T, script string, env ...string) string {
	t.Helper()
	out := scratch(t)
	env = append(env, "SETPRIV="+testenv.Tool(t, "setpriv"))
	k.inMountNamespace(t, out, attackPrelude+script, env...)
	return out
}

// saved is the run the namespace saved as OUT/NAME.*.
func saved(t *testing.T, out, name string) result {
	t.Helper()
	r := result{args: []string{name}}
	if _, err := fmt.Sscan(string(readFile(t, filepath.Join(out, name+".code"))), &r.code); err != nil {
		t.Fatal(err)
	}
	r.stdout = string(readFile(t, filepath.Join(out, name+".stdout")))
	r.stderr = string(readFile(t, filepath.Join(out, name+".stderr")))
	return r
}

// notShown fails if a run printed any of the secrets.
func notShown(t *testing.T, r result, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(r.stdout, s) || strings.Contains(r.stderr, s) {
			t.Errorf("%s shows %q, which alice cannot read: %v", r.args[0], s, r)
		}
	}
}

// testPuttyAsUser: without any trick, root with alice's HOME (sudo -E)
// still edits her sessions, as her: the files change, stay hers, and a new
// Default Settings is hers too.
func (k *keepalive) testPuttyAsUser(t *testing.T) {
	out := k.attack(t, `
		mkdir -p "$H/.putty/sessions"
		printf 'HostName=example.com\nPingInterval=0\n' >"$H/.putty/sessions/web"
		chown -R 4242:4242 "$H/.putty"
		sudo putty "$H" putty --interval 60
	`)
	r := saved(t, out, "putty")
	if r.code != 0 {
		t.Fatalf("%v", r)
	}
	if !strings.Contains(r.stderr, "as alice") {
		t.Errorf("stderr does not say root works as alice: %v", r)
	}
	sessions := filepath.Join(out, "home", "alice", ".putty", "sessions")
	sameBytes(t, filepath.Join(sessions, "web"), []byte("HostName=example.com\nPingInterval=0\nPingIntervalSecs=60\nKeepaliveWas=\"0\",-,60\n"))
	wantOwnership(t, filepath.Join(sessions, "web"), aliceUID, aliceUID, 0o644)
	wantOwnership(t, filepath.Join(sessions, "Default%20Settings"), aliceUID, aliceUID, 0o600)
}

// testPuttyDanglingLink: with alice's HOME (sudo -E), her Default Settings
// is a dangling link into /etc/profile.d. Root must not create the file
// there: she would own it, and every root login shell would run it.
func (k *keepalive) testPuttyDanglingLink(t *testing.T) {
	out := k.attack(t, `
		mkdir -p "$H/.putty/sessions"
		ln -s /etc/profile.d/zz-keepalive.sh "$H/.putty/sessions/Default%20Settings"
		printf 'HostName=example.com\n' >"$H/.putty/sessions/web"
		chown -R -h 4242:4242 "$H/.putty"
		sudo putty "$H" putty --interval 60
	`)
	r := saved(t, out, "putty")
	r.sane(t)
	onlyFiles(t, filepath.Join(out, "profile.d"))
	if r.code != 1 {
		t.Errorf("want a refusal (exit 1): %v", r)
	}
}

// testPuttySeedLink: --create seeds a new session from Default Settings,
// which alice links to /etc/shadow: its content must not be printed by
// --dry-run nor copied into the session she owns.
func (k *keepalive) testPuttySeedLink(t *testing.T) {
	out := k.attack(t, `
		mkdir -p "$H/.putty/sessions"
		ln -s /etc/shadow "$H/.putty/sessions/Default%20Settings"
		chown -R -h 4242:4242 "$H/.putty"
		sudo dry "$H" putty --session new --create --dry-run
		sudo create "$H" putty --session new --create
		cat "$H/.putty/sessions/new" >"$OUT/new" 2>/dev/null || true
	`)
	for _, name := range []string{"dry", "create"} {
		r := saved(t, out, name)
		r.sane(t)
		notShown(t, r, "SECRET-HASH")
	}
	if data, err := os.ReadFile(filepath.Join(out, "new")); err == nil && strings.Contains(string(data), "SECRET-HASH") {
		t.Errorf("the new session holds /etc/shadow's content:\n%s", data)
	}
	sameBytes(t, filepath.Join(out, "shadow"), []byte("root:SECRET-HASH:19000:0:99999:7:::\n"))
}

// testPuttySessionsLink: alice's ~/.putty/sessions is a link to /etc/ssh.
// Stat through the link says root owns it; root must still not append
// PuTTY lines to sshd_config and the host keys.
func (k *keepalive) testPuttySessionsLink(t *testing.T) {
	out := k.attack(t, `
		printf 'HOSTKEY\n' >"$OUT/etcssh/ssh_host_ed25519_key"; chmod 600 "$OUT/etcssh/ssh_host_ed25519_key"
		printf 'Port 22\n' >"$OUT/etcssh/sshd_config"
		mkdir -p "$H/.putty"; ln -s /etc/ssh "$H/.putty/sessions"
		chown -R -h 4242:4242 "$H/.putty"
		sudo putty "$H" putty --interval 60
		sudo disable "$H" disable --putty
	`)
	for _, name := range []string{"putty", "disable"} {
		r := saved(t, out, name)
		r.sane(t)
		notShown(t, r, "HOSTKEY")
	}
	sameBytes(t, filepath.Join(out, "etcssh", "ssh_host_ed25519_key"), []byte("HOSTKEY\n"))
	sameBytes(t, filepath.Join(out, "etcssh", "sshd_config"), []byte("Port 22\n"))
	onlyFiles(t, filepath.Join(out, "etcssh"), "ssh_host_ed25519_key", "sshd_config")
}

// testSudoUserDirectorySwap: `sudo keepalive enable --user` while alice
// exchanges her ~/.ssh with a link to /etc/profile.d (renameat2
// RENAME_EXCHANGE) as fast as she can. In 100 runs root must never create a
// file in /etc/profile.d.
func (k *keepalive) testSudoUserDirectorySwap(t *testing.T, attacker string) {
	out := k.attack(t, `
		mkdir -m 700 "$H/.ssh"; ln -s /etc/profile.d "$H/x"
		chown -h 4242:4242 "$H/.ssh" "$H/x"
		"$SETPRIV" --reuid=4242 --regid=4242 --clear-groups "$A" swap "$H/.ssh" "$H/x" 60 >/dev/null 2>"$OUT/swap.err" &
		swapper=$!
		i=0
		while [ $i -lt 100 ] && [ -z "$(ls -A "$OUT/profile.d")" ]; do
			HOME="$OUT/root" SUDO_USER=alice SUDO_UID=4242 SUDO_GID=4242 "$K" enable --user >/dev/null 2>&1 || true
			i=$((i+1))
		done
		echo $i >"$OUT/runs"
		if kill $swapper; then echo yes >"$OUT/swapping"; fi
		wait $swapper || true
	`, "A="+attacker)
	if _, err := os.Stat(filepath.Join(out, "swapping")); err != nil {
		t.Fatalf("the swapper was not running at the end: %s", readFile(t, filepath.Join(out, "swap.err")))
	}
	if names := listDir(t, filepath.Join(out, "profile.d")); len(names) > 0 {
		t.Fatalf("after %s runs root created %q in /etc/profile.d", strings.TrimSpace(string(readFile(t, filepath.Join(out, "runs")))), names)
	}
}

// testSudoUserDisclosure: under sudo --user, alice's config Includes a
// file only root can read, then is a link to /etc/shadow. Neither --dry-run
// nor --check --json nor completion may show what is in them.
func (k *keepalive) testSudoUserDisclosure(t *testing.T) {
	out := k.attack(t, `
		mkdir -m 700 "$OUT/rootonly"
		printf 'Host secret-root-host\n  ServerAliveInterval 10\n# ROOT-SECRET\n' >"$OUT/rootonly/config"
		chmod 600 "$OUT/rootonly/config"
		mkdir -m 700 "$H/.ssh"
		printf 'Include %s/rootonly/config\nHost alice-box\n  User a\n' "$OUT" >"$H/.ssh/config"
		chown -R 4242:4242 "$H/.ssh"
		sudo inc-dry "$OUT/root" enable --user --dry-run --host secret-root-host
		sudo inc-check "$OUT/root" enable --user --check --json --host secret-root-host
		sudo inc-complete "$OUT/root" __complete enable --user --host ""
		rm "$H/.ssh/config"; ln -s /etc/shadow "$H/.ssh/config"; chown -h 4242:4242 "$H/.ssh/config"
		sudo shadow-dry "$OUT/root" enable --user --dry-run
		sudo shadow-check "$OUT/root" enable --user --check --json
		sudo shadow-complete "$OUT/root" __complete enable --user --host ""
		sudo shadow-show "$OUT/root" show --file "$H/.ssh/config" --no-server --no-putty
		sudo shadow-show-json "$OUT/root" show --file "$H/.ssh/config" --no-server --no-putty --json
	`)
	for _, name := range []string{"inc-dry", "inc-check", "inc-complete", "shadow-dry", "shadow-check", "shadow-complete", "shadow-show", "shadow-show-json"} {
		r := saved(t, out, name)
		if strings.HasSuffix(name, "check") && r.code == 3 {
			r.code = 0 // --check: a change to make
		}
		if !strings.HasSuffix(name, "complete") {
			r.sane(t)
		}
		notShown(t, r, "ROOT-SECRET", "secret-root-host\t", "SECRET-HASH")
	}
	sameBytes(t, filepath.Join(out, "shadow"), []byte("root:SECRET-HASH:19000:0:99999:7:::\n"))
	// What alice can read is still there.
	if r := saved(t, out, "inc-complete"); !strings.Contains(r.stdout, "alice-box\t") {
		t.Errorf("completion does not offer alice's own Host: %v", r)
	}
}

// testIncludeInUserDirectory: root's own config Includes a file in
// alice's home, which she made a link to a root file that has the
// keep-alive keyword. Root must not edit the file she chose.
func (k *keepalive) testIncludeInUserDirectory(t *testing.T) {
	out := k.attack(t, `
		printf 'ServerAliveInterval 10\n' >"$OUT/victim"
		ln -s "$OUT/victim" "$H/inc.conf"; chown -h 4242:4242 "$H/inc.conf"
		printf 'Include %s/inc.conf\n' "$H" >"$OUT/etcssh/ssh_config"
		code=0; HOME="$OUT/root" "$K" enable --system --interval 60 >"$OUT/run.stdout" 2>"$OUT/run.stderr" || code=$?
		echo $code >"$OUT/run.code"
	`)
	r := saved(t, out, "run")
	r.failure(t, 1, "inc.conf", "uid 4242")
	sameBytes(t, filepath.Join(out, "victim"), []byte("ServerAliveInterval 10\n"))
}

// testRootImageLinks: --root IMG is a chroot for writes too. Links in the
// image that point at /etc/ssh/... (absolute, as they would be inside the
// image) must not change the host's files.
func (k *keepalive) testRootImageLinks(t *testing.T) {
	out := k.attack(t, `
		printf 'Port 22\n' >"$OUT/etcssh/real_config"
		printf '# host\n' >"$OUT/etcssh/real_client"
		IMG="$OUT/img"; mkdir -p "$IMG/etc/ssh"
		printf 'Port 2222\n' >"$IMG/etc/ssh/real_config"
		printf '# image\n' >"$IMG/etc/ssh/real_client"
		ln -s /etc/ssh/real_config "$IMG/etc/ssh/sshd_config"
		ln -s /etc/ssh/real_client "$IMG/etc/ssh/ssh_config"
		sudo server "$OUT/root" server --root "$IMG" --no-validate --interval 60
		sudo system "$OUT/root" enable --system --root "$IMG"
	`)
	// Reads resolve inside the image (an absolute link is the image's own
	// path), so the edit succeeds and the image's file is the one changed.
	for _, c := range []struct{ name, file, want string }{
		{"server", "real_config", "ClientAliveInterval 60"},
		{"system", "real_client", "ServerAliveInterval 60"},
	} {
		r := saved(t, out, c.name)
		r.sane(t)
		if r.code == 0 && !strings.Contains(string(readFile(t, filepath.Join(out, "img", "etc", "ssh", c.file))), c.want) {
			t.Errorf("%s succeeded but the image's %s does not have %s: %v", c.name, c.file, c.want, r)
		}
	}
	sameBytes(t, filepath.Join(out, "etcssh", "real_config"), []byte("Port 22\n"))
	sameBytes(t, filepath.Join(out, "etcssh", "real_client"), []byte("# host\n"))
}

// testLockNotBlockable: any user can open /etc/ssh, the config and their
// parents; flocking them must not block root's edits (which would wait
// 30 s and fail, on every retry).
func (k *keepalive) testLockNotBlockable(t *testing.T, attacker string) {
	img := scratch(t)
	ssh := filepath.Join(img, "etc", "ssh")
	if err := os.MkdirAll(ssh, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(ssh, "sshd_config"), []byte("Port 22\n"), 0o644)
	writeFile(t, filepath.Join(ssh, "ssh_config"), []byte("# client\n"), 0o644)
	for _, p := range []string{img, filepath.Join(img, "etc"), ssh, filepath.Join(ssh, "sshd_config"), filepath.Join(ssh, "ssh_config")} {
		holdFlock(t, attacker, p)
	}
	for _, args := range [][]string{
		{"server", "--root", img, "--no-validate", "--interval", "60"},
		{"enable", "--system", "--root", img},
	} {
		r := k.run(t, img, args...)
		r.sane(t)
		if r.code != 0 {
			t.Errorf("blocked by another user's flock: %v", r)
		}
	}
}

// holdFlock makes nobody (uid 65534) hold a flock on path until the test
// ends.
func holdFlock(t *testing.T, attacker, path string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	cmd := exec.CommandContext(ctx, attacker, "flock", path)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534, Groups: []uint32{}}}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		cmd.Wait()
		cancel()
	})
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if line != "locked\n" {
		io.Copy(io.Discard, stdout)
		t.Fatalf("nobody could not flock %s: %q %s", path, line, stderr.String())
	}
}

//go:build linux

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// TestStaticSudoUserFromNSS: the release build (CGO_ENABLED=0), run as
// "sudo keepalive enable --user" by a user that only the name service
// knows (as from LDAP or SSSD): not in /etc/passwd or /etc/group, only in
// what getent prints. It finds them through getent, says whose config it
// edits and edits it as them, with their supplementary group. The machine's
// files are never touched: in a private mount namespace, copies of
// /etc/passwd and /etc/group without the user and a fake getent are
// bind-mounted over the real ones.
func TestStaticSudoUserFromNSS(t *testing.T) {
	testenv.Root(t)
	testenv.Tool(t, "unshare")
	const uid, gid, ops = 4242, 4242, 4343
	bin := filepath.Join(sharedDir(t), "keepalive")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("CGO_ENABLED=0 go build: %v\n%s", err, out)
	}
	k := &keepalive{path: bin}

	out := scratch(t)
	home := filepath.Join(out, "home", "katest")
	for _, d := range []string{filepath.Join(out, "root"), home} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chown(home, uid, gid); err != nil {
		t.Fatal(err)
	}
	// The user's config Includes a file only the group ops may read: the
	// edit needs the supplementary group that only getent initgroups knows.
	opsConf := writeFile(t, filepath.Join(out, "ops.conf"), []byte("Host ops\n  User deploy\n"), 0o640)
	if err := os.Chown(opsConf, 0, ops); err != nil {
		t.Fatal(err)
	}
	ssh := filepath.Join(home, ".ssh")
	os.Mkdir(ssh, 0o700)
	cfg := writeFile(t, filepath.Join(ssh, "config"), []byte("Include "+opsConf+"\n"), 0o600)
	for _, p := range []string{ssh, cfg} {
		if err := os.Chown(p, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	log := writeFile(t, filepath.Join(out, "getent.log"), nil, 0o644)
	if err := os.Chown(log, uid, gid); err != nil {
		t.Fatal(err)
	}
	// keepalive runs getent with PATH and LC_ALL only: the paths are in
	// the script.
	writeFile(t, filepath.Join(out, "getent"), []byte(`#!/bin/sh
echo "getent $*" >>`+log+`
case "$1 $2" in
"passwd katest"|"passwd 4242") echo "katest:*:4242:4242:LDAP test:`+home+`:/bin/sh" ;;
"initgroups katest") echo "katest                4343" ;;
"group 4242") echo "katest:*:4242:" ;;
"group 4343") echo "ops:*:4343:katest" ;;
*) exit 2 ;;
esac
`), 0o755)

	k.inMountNamespace(t, out, `
		sed "s#^root:\([^:]*\):0:0:\([^:]*\):[^:]*:#root:\1:0:0:\2:$OUT/root:#" /etc/passwd | grep -v '^katest:' >"$OUT/passwd"
		grep -v '^katest:\|^ops:' /etc/group >"$OUT/group"
		mount --bind "$OUT/passwd" /etc/passwd
		mount --bind "$OUT/group" /etc/group
		mount --bind "$OUT/getent" /usr/bin/getent
		code=0; (umask 000; HOME="$OUT/root" SUDO_USER=katest SUDO_UID=4242 SUDO_GID=4242 exec "$K" enable --user) >"$OUT/stdout" 2>"$OUT/stderr" || code=$?
		echo $code >"$OUT/code"
	`)
	r := nsResult(t, out, "enable", "--user")
	if r.code != 0 {
		t.Fatalf("%v\ngetent ran as:\n%s", r, readFile(t, log))
	}
	if want := "keepalive: note: under sudo --user: editing katest's " + cfg + " as katest, the user who ran sudo\n"; !strings.Contains(r.stderr, want) {
		t.Errorf("stderr does not say whose config it edits, as whom (%q): %v", want, r)
	}
	if strings.Contains(r.stderr, "could not read") {
		t.Errorf("the hand-off lacked the group ops (%d) that only getent initgroups lists: %v", ops, r)
	}
	if !strings.Contains(string(readFile(t, cfg)), "ServerAliveInterval") {
		t.Errorf("the config was not edited:\n%s", readFile(t, cfg))
	}
	wantOwnership(t, cfg, uid, gid, 0o600)
	onlyFiles(t, filepath.Join(out, "root"))
	calls := string(readFile(t, log))
	for _, want := range []string{"getent passwd 4242\n", "getent initgroups katest\n"} {
		if !strings.Contains(calls, want) {
			t.Errorf("getent was not asked %q; it ran as:\n%s", want, calls)
		}
	}
}

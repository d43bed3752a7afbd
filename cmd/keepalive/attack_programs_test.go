//go:build linux

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// Issue 14 items 3 and 10, replayed in the same namespace as TestAttacks:
// what root runs and where it keeps its scratch files must not be steered
// by a $TMPDIR or a $PATH that sudo kept from alice.
//
//	go test ./cmd/keepalive -run TestAttacksEnvironment

func TestAttacksEnvironment(t *testing.T) {
	testenv.Root(t)
	testenv.Tool(t, "sshd")
	k := buildKeepalive(t)
	t.Run("ScratchIgnoresTMPDIR", k.testScratchIgnoresTMPDIR)
	t.Run("ProgramsIgnorePATH", k.testProgramsIgnorePATH)
}

// testScratchIgnoresTMPDIR: root's sshd -t scratch directory (the copy of
// the config and the throwaway host key) used to be made under $TMPDIR.
// With alice's TMPDIR, a watcher of hers swapped it for a link to /etc/ssh
// and root wrote its key over the real host key. Now root's scratch space
// is a fresh 0700 directory in /run: her TMPDIR, here a directory with a
// watcher that links every new entry to /etc/ssh, and then a plain file,
// is never touched.
func (k *keepalive) testScratchIgnoresTMPDIR(t *testing.T) {
	out := k.attack(t, `
		printf 'Port 22\n' >"$OUT/etcssh/sshd_config"
		printf 'REAL-HOST-KEY\n' >"$OUT/etcssh/ssh_host_ecdsa_key"; chmod 600 "$OUT/etcssh/ssh_host_ecdsa_key"
		mkdir "$H/tmp"; chown 4242:4242 "$H/tmp"
		# alice's watcher: anything that appears in her TMPDIR is noted and
		# replaced by a link to /etc/ssh, for 10 s at most.
		"$SETPRIV" --reuid=4242 --regid=4242 --clear-groups sh -c '
			end=$(($(date +%s) + 10))
			while [ "$(date +%s)" -lt "$end" ]; do
				for e in "$1"/*; do
					[ -e "$e" ] || [ -L "$e" ] || continue
					[ -L "$e" ] && continue
					echo "$e" >>"$1/../seen"
					mv "$e" "$e.moved" 2>/dev/null && ln -s /etc/ssh "$e"
				done
			done' sh "$H/tmp" &
		w=$!
		i=0
		while [ $i -lt 10 ]; do
			TMPDIR="$H/tmp" sudo run$i "$OUT/root" server --dry-run --interval 61
			i=$((i+1))
		done
		kill $w 2>/dev/null || true; wait $w 2>/dev/null || true
		printf 'alice' >"$H/tmpfile"; chown 4242:4242 "$H/tmpfile"
		TMPDIR="$H/tmpfile" sudo file "$OUT/root" server --dry-run --interval 61
	`)
	for i := 0; i < 10; i++ {
		r := saved(t, out, "run"+string(rune('0'+i)))
		if r.code != 0 || !strings.Contains(r.stdout, "+ClientAliveInterval 61") {
			t.Fatalf("server --dry-run with alice's TMPDIR: %v", r)
		}
	}
	if r := saved(t, out, "file"); r.code != 0 {
		t.Errorf("server --dry-run with TMPDIR a file of alice's: %v", r)
	}
	sameBytes(t, filepath.Join(out, "etcssh", "ssh_host_ecdsa_key"), []byte("REAL-HOST-KEY\n"))
	if seen, err := os.ReadFile(filepath.Join(out, "home", "alice", "seen")); err == nil {
		t.Errorf("root made files in alice's TMPDIR:\n%s", seen)
	}
	if entries, _ := os.ReadDir(filepath.Join(out, "home", "alice", "tmp")); len(entries) > 0 {
		t.Errorf("alice's TMPDIR holds %d entries after root's runs", len(entries))
	}
}

// testProgramsIgnorePATH: root looked sshd (and ssh, for ssh -V and now
// ssh -G, and systemctl) up in the caller's PATH, so alice's fake sshd ran
// as uid 0. Now root runs OpenSSH's programs from the system directories
// only: her programs, first in PATH, never run.
func (k *keepalive) testProgramsIgnorePATH(t *testing.T) {
	out := k.attack(t, `
		printf 'Port 22\n' >"$OUT/etcssh/sshd_config"
		printf 'SetupTimeOut 5\nHost a\n  User x\n' >"$OUT/etcssh/ssh_config"
		mkdir -p "$H/bin"
		for p in sshd ssh systemctl; do
			printf '#!/bin/sh\necho "$(id -u) %s $*" >>%s/ran\nexit 0\n' "$p" "$OUT" >"$H/bin/$p"
			chmod 755 "$H/bin/$p"
		done
		chown -R 4242:4242 "$H/bin"
		PATH="$H/bin:$PATH" sudo server "$OUT/root" server --interval 61 --reload
		PATH="$H/bin:$PATH" sudo system "$OUT/root" enable --system --interval 61
		PATH="$H/bin:$PATH" sudo show "$OUT/root" show --verify --no-putty
	`)
	for _, name := range []string{"server", "system"} {
		if r := saved(t, out, name); r.code != 0 {
			t.Errorf("%s with alice's PATH: %v", name, r)
		}
	}
	if ran, err := os.ReadFile(filepath.Join(out, "ran")); err == nil {
		t.Errorf("root ran alice's programs:\n%s", ran)
	}
}

//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// faultConfig is the file each fault must leave byte for byte as it was.
const faultConfig = "# the config a full disk must not cost anyone\r\n" +
	"Host build\r\n" +
	"    HostName build.example.com\r\n" +
	"    User ci\r\n" +
	"\r\n" +
	"Host *\r\n" +
	"    ForwardAgent no\r\n"

// testFullDisk: on a file system with no space left, enable fails with one
// line naming the file and ENOSPC, the file stays as it was and no temp
// file (or half-written backup) is left.
func (k *keepalive) testFullDisk(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		left []string // what the directory must hold afterwards
	}{
		{"enable", []string{"enable"}, []string{"config", "fill"}},
		{"enable --backup", []string{"enable", "--backup"}, []string{"config", "fill"}},
		{"enable --host", []string{"enable", "--host", "build", "--interval", "60"}, []string{"config", "fill"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := scratch(t)
			writeFile(t, filepath.Join(out, "orig"), []byte(faultConfig), 0o644)
			k.inMountNamespace(t, out, `
				D=$OUT/mnt; mkdir "$D"
				mount -t tmpfs -o size=32k,mode=0755 keepalive-full "$D"
				cp "$OUT/orig" "$D/config"
				head -c 1048576 /dev/zero >"$D/fill" 2>/dev/null || true
				code=0; "$K" $ARGS --file "$D/config" >"$OUT/stdout" 2>"$OUT/stderr" || code=$?
				echo $code >"$OUT/code"
				cp "$D/config" "$OUT/after"
				ls -A "$D" >"$OUT/ls"
			`, "ARGS="+strings.Join(tc.args, " "))
			r := nsResult(t, out, tc.args...)
			r.failure(t, 1, filepath.Join(out, "mnt", "config"), "no space left on device")
			if h := r.hint(); !strings.Contains(h, "space") {
				t.Errorf("hint %q does not say to free space", h)
			}
			sameBytes(t, filepath.Join(out, "after"), []byte(faultConfig))
			if got, want := string(readFile(t, filepath.Join(out, "ls"))), strings.Join(tc.left, "\n")+"\n"; got != want {
				t.Errorf("the full file system holds\n%swant\n%s", got, want)
			}
		})
	}
}

// testReadOnly: on a read-only mount, enable fails with one line naming
// the file and EROFS, also when the config is a symlink into the mount
// from a writable directory.
func (k *keepalive) testReadOnly(t *testing.T) {
	for _, tc := range []struct {
		name, mount, file string
	}{
		{"tmpfs remounted ro", `mount -t tmpfs -o size=1m,mode=0755 keepalive-ro "$D"; cp "$OUT/orig" "$D/config"; mount -o remount,ro "$D"`, "mnt/config"},
		{"read-only bind mount", `mkdir "$OUT/src"; cp "$OUT/orig" "$OUT/src/config"; mount --bind "$OUT/src" "$D"; mount -o remount,bind,ro "$D"`, "mnt/config"},
		{"symlink into it", `mount -t tmpfs -o size=1m,mode=0755 keepalive-ro "$D"; cp "$OUT/orig" "$D/config"; mount -o remount,ro "$D"; ln -s "$D/config" "$OUT/link"`, "link"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := scratch(t)
			writeFile(t, filepath.Join(out, "orig"), []byte(faultConfig), 0o644)
			file := filepath.Join(out, tc.file)
			k.inMountNamespace(t, out, `
				D=$OUT/mnt; mkdir "$D"
				`+tc.mount+`
				code=0; "$K" enable --file "$F" >"$OUT/stdout" 2>"$OUT/stderr" || code=$?
				echo $code >"$OUT/code"
				cp "$D/config" "$OUT/after"
				ls -A "$D" >"$OUT/ls"
			`, "F="+file)
			r := nsResult(t, out, "enable", "--file", file)
			r.failure(t, 1, file, "read-only file system")
			if h := r.hint(); !strings.Contains(h, "read-only") && !strings.Contains(h, "writable") {
				t.Errorf("hint %q does not point at the read-only file system", h)
			}
			sameBytes(t, filepath.Join(out, "after"), []byte(faultConfig))
			if got := string(readFile(t, filepath.Join(out, "ls"))); got != "config\n" {
				t.Errorf("the read-only directory holds %q", got)
			}
		})
	}
}

// testNoWritePermission: a user who may read a config but not write its
// directory gets one line naming the file and the cause, a hint to use
// sudo, and the file as it was; --dry-run still works for them.
func (k *keepalive) testNoWritePermission(t *testing.T) {
	testenv.Root(t)
	const nobody = 65534
	for _, tc := range []struct {
		name      string
		fileOwner int // the config's owner: root, or the user (who still cannot rename in the directory)
	}{
		{"root's file", 0},
		{"the user's own file in root's directory", nobody},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := scratch(t)
			cfg := writeFile(t, filepath.Join(dir, "config"), []byte(faultConfig), 0o644)
			if err := os.Chown(cfg, tc.fileOwner, tc.fileOwner); err != nil {
				t.Fatal(err)
			}
			// Nothing to remove needs no write permission: exit 0, file untouched.
			if r := k.asUser(t, nobody, nobody, dir, "disable", "--file", cfg); r.code != 0 || !strings.Contains(r.stdout, "nothing to remove") {
				t.Errorf("disable with nothing to remove, without write permission: %v", r)
			}
			for _, args := range [][]string{
				{"enable", "--file", cfg},
				{"enable", "--file", cfg, "--backup", "--host", "build"},
			} {
				r := k.asUser(t, nobody, nobody, dir, args...)
				r.failure(t, 1, cfg, "permission denied")
				if h := r.hint(); !strings.Contains(h, "sudo") {
					t.Errorf("hint %q does not suggest sudo", h)
				}
				sameBytes(t, cfg, []byte(faultConfig))
				onlyFiles(t, dir, "config")
			}
			r := k.asUser(t, nobody, nobody, dir, "enable", "--file", cfg, "--dry-run")
			if r.code != 0 || !strings.Contains(r.stdout, "+    ServerAliveInterval 60") {
				t.Errorf("--dry-run without write permission: %v", r)
			}
			sameBytes(t, cfg, []byte(faultConfig))
			onlyFiles(t, dir, "config")
		})
	}
}

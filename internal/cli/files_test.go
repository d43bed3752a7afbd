package cli

import (
	"errors"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The file rules of issue 13: system files are 0644, keepalive creates no
// directory but ~/.ssh, and --root reaches the image's own user config.

func TestFilesSystemConfigIs0644(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix modes and the /etc/ssh, /home layout of an image under --root")
	}
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "etc", "ssh"), 0o755)
	code, out, errs := srvRun("enable", "--system", "--root", root)
	if code != 0 {
		t.Fatalf("exit %d: %s%s", code, out, errs)
	}
	fi, err := os.Stat(filepath.Join(root, "etc", "ssh", "ssh_config"))
	if err != nil || fi.Mode().Perm() != 0o644 {
		t.Fatalf("new /etc/ssh/ssh_config: %v %v, want mode 0644 so that every user's ssh reads it", fi, err)
	}
}

func TestFilesMissingDirectoryIsAnError(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"enable", "--file", filepath.Join(dir, "nonexistent", "x")},
		{"enable", "--root", filepath.Join(dir, "nonexistent")},
		{"enable", "--system", "--root", dir}, // no etc/ssh in the image
		{"server", "--no-validate", "--file", filepath.Join(dir, "nonexistent", "sshd_config")},
		{"server", "--no-validate", "--root", filepath.Join(dir, "nonexistent")},
	} {
		code, _, errs := srvRun(args...)
		if code != exitFailure || !strings.Contains(errs, "nothing was written") {
			t.Errorf("%q: exit %d, %q; want exit 1 saying nothing was written", args, code, errs)
		}
		if !strings.Contains(errs, "does not exist") && !strings.Contains(errs, "not a directory") {
			t.Errorf("%q: %q does not say what is missing", args, errs)
		}
	}
	var found []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if p != dir {
			found = append(found, p)
		}
		return nil
	})
	if len(found) > 0 {
		t.Errorf("created %q", found)
	}
}

// TestFilesRootUserConfig: --root without --system edits the image's user
// config (the current user's home in the image's /etc/passwd), creating
// only its ~/.ssh (0700), and disable restores it: the config enable
// created goes, the directory stays.
func TestFilesRootUserConfig(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix modes and the /etc/ssh, /home layout of an image under --root")
	}
	u, err := user.Current()
	if err != nil {
		t.Skip(err)
	}
	t.Setenv("SUDO_USER", "")
	hostHome := t.TempDir()
	t.Setenv("HOME", hostHome)
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "etc"), 0o755)
	os.MkdirAll(filepath.Join(root, "home", "img-user"), 0o755)
	os.WriteFile(filepath.Join(root, "etc", "passwd"), []byte(u.Username+":x:0:0::/home/img-user:/bin/sh\n"), 0o644)
	code, out, errs := srvRun("enable", "--root", root)
	if code != 0 {
		t.Fatalf("enable --root: exit %d: %s%s", code, out, errs)
	}
	cfg := filepath.Join(root, "home", "img-user", ".ssh", "config")
	if !strings.Contains(out, cfg) {
		t.Errorf("output %q does not name %s", out, cfg)
	}
	if fi, err := os.Stat(cfg); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("%s: %v %v, want 0600", cfg, fi, err)
	}
	if fi, err := os.Stat(filepath.Dir(cfg)); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("~/.ssh in the image: %v %v, want 0700", fi, err)
	}
	if code, out, _ := srvRun("enable", "--root", root); code != 0 || !strings.HasPrefix(out, "already set") {
		t.Errorf("second run: exit %d, %q", code, out)
	}
	if code, out, errs := srvRun("disable", "--root", root); code != 0 {
		t.Fatalf("disable --root: exit %d: %s%s", code, out, errs)
	}
	if b, err := os.ReadFile(cfg); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("after disable: %q, %v; want no file, as before enable created it", b, err)
	}
	if fi, err := os.Stat(filepath.Dir(cfg)); err != nil || !fi.IsDir() {
		t.Errorf("~/.ssh in the image after disable: %v, %v; want it left", fi, err)
	}
	// The host's own home was never touched.
	if _, err := os.Stat(filepath.Join(hostHome, ".ssh")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the host's ~/.ssh: %v, want it left alone", err)
	}
}

package cli

import (
	"runtime"
	"testing"
)

// unixOnly skips a test in the Windows lane (make test-windows, which runs
// this package's tests under Wine) when it builds what only Unix has: an
// /etc/ssh tree under --root, Unix modes, symlinks (Wine's os.Symlink
// creates nothing), case-sensitive file names, or shell scripts standing in
// for ssh. internal/winetest checks the Windows paths through keepalive.exe.
func unixOnly(t *testing.T, why string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("Unix only: " + why)
	}
}

// setHome points the home directory at dir, as HOME on Unix and
// USERPROFILE on Windows (where os.UserHomeDir reads it).
func setHome(t *testing.T, dir string) {
	t.Helper()
	t.Setenv("HOME", dir)
	t.Setenv("USERPROFILE", dir)
}

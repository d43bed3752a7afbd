//go:build !windows

package report

import (
	"os"
	"syscall"

	"github.com/keepalive-ssh/keepalive/internal/resolve"
)

// badPermissions says why ssh refuses a file it reads with
// SSHCONF_CHECKPERM (readconf.c): owned by someone other than root or the
// user, or writable by group or others. "" when ssh accepts it.
func badPermissions(fsys resolve.FS, path string, checkOwner bool) string {
	info, err := fsys.Stat(path)
	if err != nil {
		return ""
	}
	if info.Mode().Perm()&0o022 != 0 {
		return "it is writable by group or others (mode " + info.Mode().Perm().String() + "); chmod go-w it"
	}
	if st, ok := info.Sys().(*syscall.Stat_t); ok && checkOwner && st.Uid != 0 && int(st.Uid) != os.Getuid() {
		return "it is owned by another user; chown it to yourself or root"
	}
	return ""
}

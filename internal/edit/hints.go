package edit

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// HintFor suggests what to do about an error that reached Main without a
// hint of its own: the operating-system errors any read or write can meet.
// The error line already names the file and the cause; the hint says what
// to change.
func HintFor(err error) string {
	switch {
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return "free some space on that file system (or raise the quota), then run keepalive again"
	case errors.Is(err, syscall.EROFS):
		return "the file system is mounted read-only: remount it read-write, or edit a writable copy with --file"
	case errors.Is(err, fs.ErrPermission):
		if os.Geteuid() != 0 {
			return "run with sudo"
		}
		return "check the file's permissions and that the file system is writable"
	}
	return ""
}

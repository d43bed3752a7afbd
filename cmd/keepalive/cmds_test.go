package main

import (
	"fmt"
	"os"
	"strconv"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdMode checks a file's permission bits: mode 0600 path.
func cmdMode(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: mode PERM PATH")
	}
	want, err := strconv.ParseUint(args[0], 8, 32)
	if err != nil {
		ts.Fatalf("bad mode %q", args[0])
	}
	info, err := os.Stat(ts.MkAbs(args[1]))
	ts.Check(err)
	got := uint64(info.Mode().Perm())
	if (got == want) == neg {
		ts.Fatalf("mode of %s is %#o, want %s%#o", args[1], got, map[bool]string{true: "not ", false: ""}[neg], want)
	}
}

// cmdMtime saves a file's modification time (mtime save PATH) or checks it
// is unchanged since (mtime same PATH).
func cmdMtime(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: mtime save|same PATH")
	}
	info, err := os.Stat(ts.MkAbs(args[1]))
	ts.Check(err)
	key := "MTIME_" + strconv.Itoa(len(args[1])) + fmt.Sprint(hash(args[1]))
	now := strconv.FormatInt(info.ModTime().UnixNano(), 10)
	switch args[0] {
	case "save":
		ts.Setenv(key, now)
	case "same":
		if (ts.Getenv(key) == now) == neg {
			ts.Fatalf("mtime of %s changed=%v", args[1], ts.Getenv(key) != now)
		}
	default:
		ts.Fatalf("usage: mtime save|same PATH")
	}
}

func hash(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return h
}

// Command attacker is what an unprivileged user does in keepalive's
// security tests (cmd/keepalive/attack_test.go):
//
//	attacker swap A B SECONDS   exchange A and B (renameat2 RENAME_EXCHANGE)
//	                            as fast as it can; print how many times
//	attacker flock PATH         hold an exclusive flock on PATH; print
//	                            "locked", then wait until stdin closes
package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "attacker:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	switch {
	case len(args) == 4 && args[0] == "swap":
		secs, err := strconv.ParseFloat(args[3], 64)
		if err != nil {
			return err
		}
		end := time.Now().Add(time.Duration(secs * float64(time.Second)))
		n := 0
		for time.Now().Before(end) {
			if err := unix.Renameat2(unix.AT_FDCWD, args[1], unix.AT_FDCWD, args[2], unix.RENAME_EXCHANGE); err != nil {
				return err
			}
			n++
		}
		fmt.Println(n)
		return nil
	case len(args) == 2 && args[0] == "flock":
		f, err := os.Open(args[1])
		if err != nil {
			return err
		}
		if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
			return err
		}
		fmt.Println("locked")
		io.Copy(io.Discard, os.Stdin)
		return nil
	}
	return fmt.Errorf("usage: attacker swap A B SECONDS | attacker flock PATH")
}

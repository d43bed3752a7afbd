// Command genfleet writes the realistic configs of the benchmarks
// (testenv.FleetConfig, testenv.SshdConfig) for scripts/bench.sh, so that
// the Go benchmarks and `make bench-compare` time the same bytes.
//
//	genfleet client N DIR [PERCENT]
//	                        DIR/config, Including DIR/conf.d/*.conf; PERCENT
//	                        of the hosts (default 2) set ServerAliveInterval
//	genfleet server N FILE  an sshd_config with N Match blocks
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "genfleet:", err)
		os.Exit(2)
	}
}

func run(args []string) error {
	if len(args) != 3 && (len(args) != 4 || args[0] != "client") {
		return fmt.Errorf("usage: genfleet client N DIR [PERCENT] | genfleet server N FILE")
	}
	percent := 2
	if len(args) == 4 {
		p, err := strconv.Atoi(args[3])
		if err != nil || p < 1 || p > 100 {
			return fmt.Errorf("percent: want 1 to 100, got %q", args[3])
		}
		percent = p
	}
	n, err := strconv.Atoi(args[1])
	if err != nil || n < 0 {
		return fmt.Errorf("N: want a count, got %q", args[1])
	}
	switch args[0] {
	case "client":
		dir, err := filepath.Abs(args[2])
		if err != nil {
			return err
		}
		inc := filepath.Join(dir, "conf.d")
		if err := os.MkdirAll(inc, 0o755); err != nil {
			return err
		}
		f := testenv.FleetConfigShare(n, inc, percent)
		for name, b := range f.Included {
			if err := os.WriteFile(filepath.Join(inc, name), b, 0o644); err != nil {
				return err
			}
		}
		return os.WriteFile(filepath.Join(dir, "config"), f.Main, 0o644)
	case "server":
		return os.WriteFile(args[2], testenv.SshdConfig(n), 0o644)
	}
	return fmt.Errorf("want client or server, got %q", args[0])
}

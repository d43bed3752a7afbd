// Command keepalive turns on SSH keep-alives in OpenSSH and PuTTY
// configuration, losslessly and safely. See the README.
package main

import (
	"os"

	"github.com/keepalive-ssh/keepalive/internal/cli"
)

func main() {
	args := os.Args[1:]
	collectLate(args)
	os.Exit(cli.Main(args, cli.SystemStreams()))
}

package cli

import (
	"io"
	"os"

	"golang.org/x/term"
)

// Streams are where a command reads and writes. Results go to Out,
// diagnostics to Err. Tests use buffers.
type Streams struct {
	In     io.Reader
	Out    io.Writer
	Err    io.Writer
	OutTTY bool // Out is a terminal
	ErrTTY bool // Err is a terminal
	Color  bool // colour is wanted: a terminal and no NO_COLOR
}

// SystemStreams returns the process's standard streams.
func SystemStreams() Streams {
	tty := term.IsTerminal(int(os.Stdout.Fd()))
	_, noColor := os.LookupEnv("NO_COLOR")
	return Streams{
		In:     os.Stdin,
		Out:    os.Stdout,
		Err:    os.Stderr,
		OutTTY: tty,
		ErrTTY: term.IsTerminal(int(os.Stderr.Fd())),
		Color:  tty && !noColor && os.Getenv("TERM") != "dumb",
	}
}

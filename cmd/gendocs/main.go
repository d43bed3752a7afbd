// Command gendocs writes keepalive's man pages from its cobra command tree:
//
//	go run ./cmd/gendocs -out man/man1
//
// `make man` runs it. The date in the pages is SOURCE_DATE_EPOCH when set
// (reproducible builds), else today.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/spf13/cobra/doc"

	"github.com/keepalive-ssh/keepalive/internal/cli"
)

func main() {
	out := flag.String("out", "man/man1", "directory to write the section 1 pages to")
	flag.Parse()
	if err := gen(*out); err != nil {
		fmt.Fprintf(os.Stderr, "gendocs: %v\n", err)
		os.Exit(1)
	}
}

func gen(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	header := &doc.GenManHeader{
		Section: "1",
		Source:  "keepalive " + cli.Version,
		Manual:  "keepalive manual",
	}
	return doc.GenManTree(cli.DocTree(), header, dir)
}

package cli

import (
	"strings"
	"testing"
	"unicode"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/keepalive-ssh/keepalive/internal/placement"
)

// TestHelp walks the command tree --help shows: every command has a long
// help and examples, every flag that takes a value names it with one
// capitalised placeholder (PATH, NAME, PATTERN, DURATION, ...), never a
// Go type such as "string" or "stringArray", and -v is --verbose wherever
// it exists.
func TestHelp(t *testing.T) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden {
			return
		}
		if c.Long == "" || c.Example == "" {
			t.Errorf("%s: long help %d bytes, examples %q; want both", c.CommandPath(), len(c.Long), c.Example)
		}
		c.Flags().VisitAll(func(f *pflag.Flag) {
			name, _ := pflag.UnquoteUsage(f)
			if name != "" && strings.IndexFunc(name, func(r rune) bool { return !unicode.IsUpper(r) }) >= 0 {
				t.Errorf("%s --%s: placeholder %q, want capitals such as PATH or NAME", c.CommandPath(), f.Name, name)
			}
			if f.Shorthand == "v" && f.Name != "verbose" {
				t.Errorf("%s: -v is --%s, want --verbose", c.CommandPath(), f.Name)
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	root := DocTree()
	walk(root)
	if f := root.Flags().Lookup("version"); f == nil || f.Shorthand != "" {
		t.Errorf("--version: %+v; want the flag, without -v", f)
	}
	server, _, _ := root.Find([]string{"server"})
	if !strings.Contains(server.Long, placement.DropInName) {
		t.Errorf("server's help does not name the drop-in %s:\n%s", placement.DropInName, server.Long)
	}
}

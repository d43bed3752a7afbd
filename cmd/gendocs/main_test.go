package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/cli"
)

// TestGen checks that every command gets a page with its own title and
// the sections man(1) readers look for.
func TestGen(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "0")
	dir := filepath.Join(t.TempDir(), "man1")
	if err := gen(dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"keepalive", "keepalive-enable", "keepalive-disable", "keepalive-server",
		"keepalive-show", "keepalive-putty", "keepalive-probe", "keepalive-completion"} {
		data, err := os.ReadFile(filepath.Join(dir, name+".1"))
		if err != nil {
			t.Error(err)
			continue
		}
		page := string(data)
		title := `.TH "` + strings.ToUpper(name) + `" "1" "Jan 1970"`
		for _, want := range []string{title, ".SH NAME", ".SH SYNOPSIS", ".SH OPTIONS"} {
			if !strings.Contains(page, want) {
				t.Errorf("%s.1 lacks %q", name, want)
			}
		}
		if strings.Contains(page, "Auto generated") {
			t.Errorf("%s.1 has cobra's dated footer", name)
		}
	}
}

// TestReadmeUsage keeps the README's "## Usage" block equal to the real
// `keepalive --help`, so the README never shows a command tree that is
// not there.
func TestReadmeUsage(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "## Usage\n\n```\n")
	block, _, ok2 := strings.Cut(rest, "```\n")
	if !ok || !ok2 {
		t.Fatal("README.md has no ## Usage section with a ``` block")
	}
	root := cli.DocTree()
	var help strings.Builder
	root.SetOut(&help)
	root.SetArgs([]string{"--help"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	if block != help.String() {
		t.Errorf("README.md's Usage block is not the output of `keepalive --help`; paste the new output there.\nREADME:\n%s\n--help:\n%s", block, help.String())
	}
}

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// TestVersionLdflags builds the binary the way the Makefile does and checks
// that --version prints the embedded version. The linker ignores -X for a
// symbol that does not exist, so a renamed variable would otherwise ship
// release builds that all say "dev".
func TestVersionLdflags(t *testing.T) {
	mk, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`-X (\S+)=\$\(VERSION\)`).FindSubmatch(mk)
	if m == nil {
		t.Fatal("Makefile: no -X ...=$(VERSION) in LDFLAGS")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "keepalive")
	const version = "v1.2.3-test"
	build := exec.Command(goTool, "build", "-ldflags", "-X "+string(m[1])+"="+version, "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "--version").CombinedOutput()
	if err != nil {
		t.Fatalf("keepalive --version: %v\n%s", err, out)
	}
	// The version, then what a bug report needs: the commit when the go
	// command recorded one, the Go version and the platform.
	got := strings.TrimSpace(string(out))
	want := regexp.MustCompile(`^keepalive ` + regexp.QuoteMeta(version) + ` \((commit [0-9a-f]{12}(-dirty)?, )?` +
		regexp.QuoteMeta(runtime.Version()+", "+runtime.GOOS+"/"+runtime.GOARCH) + `\)$`)
	if !want.MatchString(got) {
		t.Errorf("keepalive --version = %q, want %s", got, want)
	}
}

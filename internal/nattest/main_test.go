//go:build linux

package nattest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// keepaliveBin is the keepalive binary under test, built once by TestMain:
// the scenarios run it as a user would, in and out of the namespaces.
var keepaliveBin string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "keepalive-nattest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "nattest:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	// The scratch directory is shared with the test user's sessions in the
	// namespaces; nothing secret goes in it.
	os.Chmod(dir, 0o755)
	keepaliveBin = filepath.Join(dir, "keepalive")
	goTool, err := exec.LookPath("go")
	if err != nil {
		fmt.Fprintln(os.Stderr, "nattest: the go tool is needed to build keepalive:", err)
		return 1
	}
	gomod, err := exec.Command(goTool, "env", "GOMOD").Output()
	if err != nil || strings.TrimSpace(string(gomod)) == "" {
		fmt.Fprintf(os.Stderr, "nattest: cannot find the module root: %v\n", err)
		return 1
	}
	build := exec.Command(goTool, "build", "-o", keepaliveBin, "./cmd/keepalive")
	build.Dir = filepath.Dir(strings.TrimSpace(string(gomod)))
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "nattest: go build ./cmd/keepalive: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

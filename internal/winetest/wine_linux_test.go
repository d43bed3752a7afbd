//go:build linux

package winetest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// The tests share one Wine prefix and one keepalive.exe, made on first use
// (about 5 s) and removed by TestMain. They run one after another, and each
// starts by removing the registry keys and files it uses.

func TestMain(m *testing.M) {
	code := m.Run()
	shared.close()
	os.Exit(code)
}

// machine is a Wine prefix with keepalive.exe built for it.
type machine struct {
	dir     string // holds the prefix and keepalive.exe
	prefix  string // WINEPREFIX
	exe     string
	profile string // %USERPROFILE% as a Unix path
	err     error
}

// lazyMachine makes the machine once, for every test that wants it.
type lazyMachine struct {
	once sync.Once
	m    *machine
}

var shared lazyMachine

// close stops the prefix's wineserver and removes the prefix.
func (s *lazyMachine) close() {
	if s.m == nil || s.m.dir == "" {
		return
	}
	kill := exec.Command("wineserver", "-k")
	kill.Env = append(os.Environ(), "WINEPREFIX="+s.m.prefix)
	kill.Run()
	os.RemoveAll(s.m.dir)
}

// wineMachine returns the shared prefix, making it on first use. Without
// Wine or mingw-w64 the test is skipped, and fails under CI=true.
func wineMachine(t *testing.T) *machine {
	t.Helper()
	for _, tool := range []string{"wine", "wineserver", "x86_64-w64-mingw32-gcc"} {
		if _, err := exec.LookPath(tool); err != nil {
			testenv.Unavailable(t, "%s is not installed (make test-setup installs wine, wine64 and gcc-mingw-w64-x86-64-win32)", tool)
		}
	}
	root := testenv.ModuleRoot(t)
	shared.once.Do(func() { shared.m = newMachine(root) })
	if shared.m.err != nil {
		t.Fatal(shared.m.err)
	}
	return shared.m
}

func newMachine(root string) *machine {
	m := &machine{}
	dir, err := os.MkdirTemp("", "keepalive-winetest")
	if err != nil {
		m.err = err
		return m
	}
	m.dir = dir
	out, err := exec.Command(filepath.Join(root, "scripts", "wine", "setup.sh"), dir).CombinedOutput()
	if err != nil {
		m.err = fmt.Errorf("scripts/wine/setup.sh: %v\n%s", err, out)
		return m
	}
	m.prefix = strings.TrimSpace(string(out))
	m.exe = filepath.Join(dir, "keepalive.exe")
	build := exec.Command("go", "build", "-o", m.exe, "./cmd/keepalive")
	build.Dir = root
	build.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		m.err = fmt.Errorf("go build keepalive.exe: %v\n%s", err, out)
		return m
	}
	r := m.wine(nil, "cmd", "/c", "echo %USERPROFILE%")
	if r.code != 0 {
		m.err = fmt.Errorf("cmd /c echo %%USERPROFILE%%: exit %d: %s", r.code, r.stderr)
		return m
	}
	m.profile = m.unix(strings.TrimSpace(r.stdout))
	return m
}

// unix is the Unix path of a C:\ path in the prefix.
func (m *machine) unix(winPath string) string {
	rest, ok := strings.CutPrefix(winPath, `C:\`)
	if !ok {
		panic("not a C: path: " + winPath)
	}
	return filepath.Join(m.prefix, "drive_c", filepath.FromSlash(strings.ReplaceAll(rest, `\`, "/")))
}

type result struct {
	stdout, stderr string
	code           int
}

// wine runs a Windows program in the prefix. Its output goes to files, not
// pipes: the first program of a prefix starts Wine's services, which keep
// inherited pipes open long after it exits.
func (m *machine) wine(env []string, args ...string) result {
	stdout, _ := os.CreateTemp(m.dir, "stdout")
	stderr, _ := os.CreateTemp(m.dir, "stderr")
	defer os.Remove(stdout.Name())
	defer os.Remove(stderr.Name())
	defer stdout.Close()
	defer stderr.Close()
	cmd := exec.Command("wine", args...)
	cmd.Env = append(append(os.Environ(), "WINEPREFIX="+m.prefix, "WINEDEBUG=-all"), env...)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		code = -1
	}
	o, _ := os.ReadFile(stdout.Name())
	e, _ := os.ReadFile(stderr.Name())
	if err != nil && code == -1 {
		e = append(e, err.Error()...)
	}
	return result{stdout: string(o), stderr: string(e), code: code}
}

// keepalive runs keepalive.exe with args.
func (m *machine) keepalive(t *testing.T, args ...string) result {
	t.Helper()
	r := m.wine(nil, append([]string{m.exe}, args...)...)
	t.Logf("keepalive.exe %s: exit %d\n%s%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	return r
}

// must runs keepalive.exe and fails the test unless it exits 0.
func (m *machine) must(t *testing.T, args ...string) result {
	t.Helper()
	r := m.keepalive(t, args...)
	if r.code != 0 {
		t.Fatalf("keepalive.exe %s: exit %d\n%s", strings.Join(args, " "), r.code, r.stderr)
	}
	return r
}

// regImport loads .reg text (version 5 syntax, written without the
// header) with wine reg import.
func (m *machine) regImport(t *testing.T, text string) {
	t.Helper()
	text = "Windows Registry Editor Version 5.00\r\n\r\n" + strings.ReplaceAll(text, "\n", "\r\n")
	u := utf16.Encode([]rune(text))
	b := []byte{0xff, 0xfe}
	for _, c := range u {
		b = append(b, byte(c), byte(c>>8))
	}
	f := filepath.Join(m.dir, "import.reg")
	if err := os.WriteFile(f, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if r := m.wine(nil, "reg", "import", `Z:`+strings.ReplaceAll(f, "/", `\`)); r.code != 0 {
		t.Fatalf("reg import: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
}

// regDelete removes a key and its subkeys, if it exists.
func (m *machine) regDelete(key string) {
	m.wine(nil, "reg", "delete", key, "/f")
}

// regValue is one value as wine reg query prints it: "REG_DWORD 0x2d".
type regKeys map[string]map[string]string

var regLine = regexp.MustCompile(`^    (.*?)    (REG_[A-Z_]+)    ?(.*)$`)

// regQuery reads a key and everything under it with wine reg query /s:
// key path -> value name -> "TYPE DATA".
func (m *machine) regQuery(t *testing.T, key string) regKeys {
	t.Helper()
	r := m.wine(nil, "reg", "query", key, "/s")
	for try := 1; r.code != 0 && try < 3; try++ {
		// A missing key fails every time; a Wine that stumbled while
		// busy (seen under load, right after a reg import) does not.
		time.Sleep(200 * time.Millisecond)
		r = m.wine(nil, "reg", "query", key, "/s")
	}
	out := regKeys{}
	if r.code != 0 {
		return out // no such key
	}
	cur := ""
	for _, line := range strings.Split(strings.ReplaceAll(r.stdout, "\r", ""), "\n") {
		switch {
		case line == "":
		case !strings.HasPrefix(line, " "):
			cur = line
			out[cur] = map[string]string{}
		default:
			mm := regLine.FindStringSubmatch(line)
			if mm == nil {
				t.Fatalf("reg query: cannot read %q", line)
			}
			out[cur][mm[1]] = mm[2] + " " + mm[3]
		}
	}
	return out
}

// writeFile writes a file in the prefix, creating its directory.
func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

// mustContain fails unless every want is in got.
func mustContain(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s does not contain %q:\n%s", what, w, got)
		}
	}
}

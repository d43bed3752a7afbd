//go:build linux

package fleet

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// collectionVersion reads the version from galaxy.yml.
func collectionVersion(t *testing.T, repo string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^version:\s*(\S+)\s*$`).FindStringSubmatch(readFile(t, filepath.Join(repo, collectionDir, "galaxy.yml")))
	if m == nil {
		t.Fatalf("%s/galaxy.yml has no version", collectionDir)
	}
	return m[1]
}

// TestCollectionSanity runs ansible-test's validate-modules check on the
// module: DOCUMENTATION, EXAMPLES and RETURN against the schema, and
// (--arg-spec) the argument_spec against the documented options, their
// types, defaults and choices.
//
// `ansible-test sanity` itself cannot run without the network: it builds a
// virtualenv per test and pip-installs pinned requirements into it. So the
// test runs the same validator, validate.py from ansible-test's own files,
// with the Python ansible-test runs on (Debian's python3-voluptuous
// provides the one library it needs). Errors listed in the collection's
// tests/sanity/ignore-X.Y.txt for the installed ansible-core are accepted,
// as ansible-test sanity would.
func TestCollectionSanity(t *testing.T) {
	repo := testenv.ModuleRoot(t)
	ansibleTest := testenv.Tool(t, "ansible-test")
	python := shebang(t, ansibleTest)
	out, err := exec.Command(python, "-c", "import ansible_test, os; print(os.path.dirname(ansible_test.__file__))").Output()
	if err != nil {
		testenv.Unavailable(t, "%s cannot import ansible_test: %v", python, err)
	}
	validate := filepath.Join(strings.TrimSpace(string(out)), "_util", "controller", "sanity", "validate-modules", "validate.py")
	if _, err := os.Stat(validate); err != nil {
		testenv.Unavailable(t, "ansible-test's validate-modules is not where this test looks: %v", err)
	}
	ver, err := exec.Command(ansibleTest, "--version").Output()
	if err != nil {
		t.Fatalf("ansible-test --version: %v", err)
	}
	m := regexp.MustCompile(`(\d+\.\d+)\.\d+`).FindSubmatch(ver)
	if m == nil {
		t.Fatalf("ansible-test --version: no version in %q", ver)
	}
	ignoreFile := filepath.Join(collectionDir, "tests", "sanity", "ignore-"+string(m[1])+".txt")
	ignored := sanityIgnores(t, filepath.Join(repo, ignoreFile))

	const module = "plugins/modules/keepalive.py"
	cmd := exec.Command(python, validate, "--format", "json", "--arg-spec",
		"--collection", collectionDir, "--collection-version", collectionVersion(t, repo), module)
	cmd.Dir = filepath.Join(repo, collectionDir)
	cmd.Env = append(os.Environ(), "ANSIBLE_COLLECTIONS_PATH="+repo, "PYTHONDONTWRITEBYTECODE=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if strings.Contains(stderr.String(), "No module named 'voluptuous'") {
		testenv.Unavailable(t, "validate-modules needs voluptuous (apt-get install python3-voluptuous)")
	}
	// validate.py exits 3 when it found errors; they are in the report.
	var ee *exec.ExitError
	if err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 3) {
		t.Fatalf("validate-modules: %v\n%s%s", err, stdout, stderr.Bytes())
	}
	var report map[string]struct {
		Errors []struct {
			Code string `json:"code"`
			Msg  string `json:"msg"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(stdout, &report); err != nil {
		t.Fatalf("validate-modules printed no JSON report: %v\n%s%s", err, stdout, stderr.Bytes())
	}
	if _, ok := report[module]; !ok {
		t.Fatalf("validate-modules did not check %s:\n%s", module, stdout)
	}
	for path, r := range report {
		for _, e := range r.Errors {
			if !ignored[path+" validate-modules:"+e.Code] {
				t.Errorf("%s: %s: %s", path, e.Code, e.Msg)
			}
		}
	}
}

// shebang returns the interpreter a script names on its first line.
func shebang(t *testing.T, script string) string {
	t.Helper()
	f, err := os.Open(script)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	line, _ := bufio.NewReader(f).ReadString('\n')
	fields := strings.Fields(strings.TrimPrefix(line, "#!"))
	if !strings.HasPrefix(line, "#!") || len(fields) == 0 {
		t.Fatalf("%s does not start with #!", script)
	}
	if filepath.Base(fields[0]) == "env" && len(fields) > 1 {
		return testenv.Tool(t, fields[1])
	}
	return fields[0]
}

// sanityIgnores reads an ansible-test ignore file: "PATH TEST:CODE # why".
func sanityIgnores(t *testing.T, path string) map[string]bool {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v: add an ignore file for this ansible-core (it may be empty)", err)
	}
	ignored := map[string]bool{}
	for _, line := range strings.Split(string(data), "\n") {
		line, _, _ = strings.Cut(line, "#")
		if f := strings.Fields(line); len(f) == 2 {
			ignored[f[0]+" "+f[1]] = true
		}
	}
	return ignored
}

// TestCollectionBuild: ansible-galaxy builds the tarball, installs it, and
// ansible-doc finds the module in the installed copy.
func TestCollectionBuild(t *testing.T) {
	m := &machine{repo: testenv.ModuleRoot(t), realHome: t.TempDir(), work: t.TempDir()}
	out := t.TempDir()
	m.ansibleTool(t, filepath.Join(m.repo, collectionDir), nil, "ansible-galaxy", "collection", "build", "--output-path", out)
	tarball := filepath.Join(out, "keepalive_ssh-keepalive-"+collectionVersion(t, m.repo)+".tar.gz")
	files := tarFiles(t, tarball)
	for _, want := range []string{"MANIFEST.json", "FILES.json", "README.md", "CHANGELOG.md", "meta/runtime.yml", "plugins/modules/keepalive.py"} {
		if !files[want] {
			t.Errorf("%s has no %s; it has %v", filepath.Base(tarball), want, files)
		}
	}
	var manifest struct {
		CollectionInfo struct {
			Namespace, Name, Version string
			Licenses                 []string `json:"license"`
		} `json:"collection_info"`
	}
	if err := json.Unmarshal(tarFile(t, tarball, "MANIFEST.json"), &manifest); err != nil {
		t.Fatal(err)
	}
	if ci := manifest.CollectionInfo; ci.Namespace != "keepalive_ssh" || ci.Name != "keepalive" || strings.Join(ci.Licenses, ",") != "MIT" {
		t.Errorf("MANIFEST.json: %+v", ci)
	}
	if t.Failed() {
		t.FailNow()
	}

	installed := t.TempDir()
	m.ansibleTool(t, m.work, nil, "ansible-galaxy", "collection", "install", "-p", installed, tarball)
	doc := string(m.ansibleTool(t, m.work, []string{"ANSIBLE_COLLECTIONS_PATH=" + installed}, "ansible-doc", "keepalive_ssh.keepalive.keepalive"))
	if want := filepath.Join(installed, collectionDir, "plugins/modules/keepalive.py"); !strings.Contains(doc, want) {
		t.Fatalf("ansible-doc of the installed collection does not show %s:\n%s", want, doc)
	}
}

// tarFiles lists the regular files of a .tar.gz.
func tarFiles(t *testing.T, path string) map[string]bool {
	t.Helper()
	files := map[string]bool{}
	eachTarFile(t, path, func(name string, _ io.Reader) { files[name] = true })
	return files
}

// tarFile returns the content of one file of a .tar.gz.
func tarFile(t *testing.T, path, name string) []byte {
	t.Helper()
	var data []byte
	eachTarFile(t, path, func(n string, r io.Reader) {
		if n == name {
			data, _ = io.ReadAll(r)
		}
	})
	if data == nil {
		t.Fatalf("%s has no %s", path, name)
	}
	return data
}

func eachTarFile(t *testing.T, path string, f func(name string, r io.Reader)) {
	t.Helper()
	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	gz, err := gzip.NewReader(file)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if h.Typeflag == tar.TypeReg {
			f(strings.TrimPrefix(h.Name, "./"), tr)
		}
	}
}

//go:build linux

package fleet

import (
	"debug/elf"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// run runs a program and returns its standard output; a failure ends the
// test with the program's output.
func run(t *testing.T, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out, stderr.String())
	}
	return string(out)
}

// packageVersion asks scripts/package.sh which package version it makes
// of a keepalive version.
func packageVersion(t *testing.T, repo, version string) string {
	t.Helper()
	return strings.TrimSpace(run(t, nil, filepath.Join(repo, "scripts", "package.sh"), "--print-version", version))
}

// TestPackageVersion: git describe's forms become versions dpkg and rpm
// accept and order as the releases they name.
func TestPackageVersion(t *testing.T) {
	repo := testenv.ModuleRoot(t)
	testenv.Tool(t, "bash")
	for _, c := range []struct{ describe, want string }{
		{"v1.2.3", "1.2.3"},
		{"v1.2.3-rc1", "1.2.3~rc1"},
		{"v1.2.3-4-gabc1234", "1.2.3+4.gabc1234"},
		{"v1.2.3-4-gabc1234-dirty", "1.2.3+4.gabc1234.dirty"},
		{"v1.2.3-dirty", "1.2.3+dirty"},
		{"v1.2.3-rc.1-2-gdeadbee", "1.2.3~rc.1+2.gdeadbee"},
	} {
		if got := packageVersion(t, repo, c.describe); got != c.want {
			t.Errorf("%s: package version %q, want %q", c.describe, got, c.want)
		}
	}
	// Without a tag: 0.0.0+COMMITS.HASH, also when the hash starts with a digit.
	for describe, want := range map[string]string{
		"abc1234":       `^0\.0\.0\+[0-9]+\.abc1234$`,
		"2230f20":       `^0\.0\.0\+[0-9]+\.2230f20$`,
		"1234567-dirty": `^0\.0\.0\+[0-9]+\.1234567\.dirty$`,
		"dev":           `^0\.0\.0\+[0-9]+\.dev$`,
	} {
		if got := packageVersion(t, repo, describe); !regexp.MustCompile(want).MatchString(got) {
			t.Errorf("%s: package version %q, want it to match %s", describe, got, want)
		}
	}
	// Each release sorts after the one before, for dpkg and for rpm.
	order := []string{"v1.2.3-rc1", "v1.2.3-rc1-2-gdeadbee", "v1.2.3", "v1.2.3-4-gabc1234", "v1.2.3-4-gabc1234-dirty", "v1.2.4-rc1", "v1.10.0"}
	dpkg := testenv.Tool(t, "dpkg")
	rpm := testenv.Tool(t, "rpm")
	for i := 1; i < len(order); i++ {
		a, b := packageVersion(t, repo, order[i-1]), packageVersion(t, repo, order[i])
		if err := exec.Command(dpkg, "--compare-versions", a, "lt", b).Run(); err != nil {
			t.Errorf("dpkg: %s (%s) does not sort before %s (%s)", a, order[i-1], b, order[i])
		}
		cmp := run(t, nil, rpm, "--eval", fmt.Sprintf("%%{lua:print(rpm.vercmp('%s', '%s'))}", a, b))
		if strings.TrimSpace(cmp) != "-1" {
			t.Errorf("rpm: %s (%s) does not sort before %s (%s): vercmp %s", a, order[i-1], b, order[i], cmp)
		}
	}
}

// packaged is where each file of the packages goes; the man pages are
// checked apart, since there is one per command.
var packaged = map[string]string{
	"/usr/bin/keepalive": "-rwxr-xr-x",
	"/usr/share/bash-completion/completions/keepalive":    "-rw-r--r--",
	"/usr/share/fish/vendor_completions.d/keepalive.fish": "-rw-r--r--",
	"/usr/share/doc/keepalive/copyright":                  "-rw-r--r--",
}

// manPages are pages every package must carry (cmd/gendocs writes one per
// command).
var manPages = []string{"keepalive", "keepalive-enable", "keepalive-disable", "keepalive-server", "keepalive-show", "keepalive-putty", "keepalive-probe", "keepalive-completion"}

// TestPackages builds the .deb and .rpm packages as `make package` does,
// checks their metadata and contents with dpkg-deb and rpm, installs them
// into throwaway roots and runs what they installed.
func TestPackages(t *testing.T) {
	repo := testenv.ModuleRoot(t)
	dpkgDeb := testenv.Tool(t, "dpkg-deb")
	rpm := testenv.Tool(t, "rpm")
	testenv.Tool(t, "git")
	out := t.TempDir()
	// The version the binary reports, as the script computes it.
	describe := "dev"
	if b, err := exec.Command("git", "-C", repo, "describe", "--tags", "--always", "--dirty").Output(); err == nil {
		describe = strings.TrimSpace(string(b))
	}
	version := packageVersion(t, repo, describe)
	// The script takes the version from git itself.
	build := exec.Command(filepath.Join(repo, "scripts", "package.sh"))
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "VERSION=") && !strings.HasPrefix(kv, "PKG_VERSION=") {
			build.Env = append(build.Env, kv)
		}
	}
	build.Env = append(build.Env, "OUT="+out)
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("scripts/package.sh: %v\n%s", err, b)
	}

	debs := map[string]string{
		"amd64": filepath.Join(out, "keepalive_"+version+"-1_amd64.deb"),
		"arm64": filepath.Join(out, "keepalive_"+version+"-1_arm64.deb"),
	}
	rpms := map[string]string{
		"x86_64":  filepath.Join(out, "keepalive-"+version+"-1.x86_64.rpm"),
		"aarch64": filepath.Join(out, "keepalive-"+version+"-1.aarch64.rpm"),
	}
	entries, _ := os.ReadDir(out)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	for _, p := range append(slices.Collect(maps.Values(debs)), slices.Collect(maps.Values(rpms))...) {
		if !slices.Contains(names, filepath.Base(p)) {
			t.Fatalf("no %s; the script made %v", filepath.Base(p), names)
		}
	}

	for arch, deb := range debs {
		t.Run("deb-"+arch, func(t *testing.T) {
			info := run(t, nil, dpkgDeb, "-I", deb)
			for _, want := range []string{
				"Package: keepalive\n", "Version: " + version + "-1\n", "Architecture: " + arch + "\n",
				"Homepage: https://github.com/keepalive-ssh/keepalive\n", "Section: net\n",
				"Description: Turn on SSH keep-alives in OpenSSH and PuTTY configurations\n",
			} {
				if !strings.Contains(info, " "+want) {
					t.Errorf("dpkg-deb -I has no %q:\n%s", strings.TrimSpace(want), info)
				}
			}
			if !regexp.MustCompile(`(?m)^ Maintainer: \S.* <[^@\s]+@[^>\s]+>$`).MatchString(info) {
				t.Errorf("dpkg-deb -I: no Maintainer \"Name <email>\":\n%s", info)
			}
			files := debFiles(t, run(t, nil, dpkgDeb, "-c", deb))
			wantFiles(t, "dpkg-deb -c", files, "/usr/share/zsh/vendor-completions/_keepalive")
		})
	}

	for arch, pkg := range rpms {
		t.Run("rpm-"+arch, func(t *testing.T) {
			info := run(t, nil, rpm, "-qip", pkg)
			for _, re := range []string{
				`(?m)^Name\s*: keepalive$`, `(?m)^Version\s*: ` + regexp.QuoteMeta(version) + `$`, `(?m)^Release\s*: 1$`,
				`(?m)^Architecture\s*: ` + arch + `$`, `(?m)^License\s*: MIT$`, `(?m)^URL\s*: https://github.com/keepalive-ssh/keepalive$`,
				`(?m)^Summary\s*: Turn on SSH keep-alives`, `(?m)^Packager\s*: \S.* <[^@\s]+@[^>\s]+>$`,
			} {
				if !regexp.MustCompile(re).MatchString(info) {
					t.Errorf("rpm -qip does not match %s:\n%s", re, info)
				}
			}
			// rpm -qlp lists paths; --dump adds the mode (octal) of each.
			files := map[string]string{}
			for _, line := range strings.Split(strings.TrimSpace(run(t, nil, rpm, "-qp", "--dump", pkg)), "\n") {
				f := strings.Fields(line)
				if len(f) < 5 {
					t.Fatalf("rpm --dump line %q", line)
				}
				files[f[0]] = modeString(t, f[4])
			}
			if list := strings.Fields(run(t, nil, rpm, "-qlp", pkg)); len(list) != len(files) {
				t.Errorf("rpm -qlp lists %d files, --dump %d", len(list), len(files))
			}
			delete(files, "/usr/share/licenses/keepalive/LICENSE")
			wantFiles(t, "rpm -qlp", files, "/usr/share/zsh/site-functions/_keepalive")
		})
	}

	// Each binary is for its architecture.
	for arch, machine := range map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64} {
		dir := t.TempDir()
		run(t, nil, dpkgDeb, "-x", debs[arch], dir)
		f, err := elf.Open(filepath.Join(dir, "usr", "bin", "keepalive"))
		if err != nil {
			t.Fatalf("%s: %v", arch, err)
		}
		if f.Machine != machine {
			t.Errorf("the %s package's keepalive is for %v", arch, f.Machine)
		}
		f.Close()
	}

	t.Run("install-deb", func(t *testing.T) { installDeb(t, debs["amd64"], describe) })
	t.Run("install-rpm", func(t *testing.T) { installRPM(t, rpm, rpms["x86_64"], describe) })
}

// debFiles reads dpkg-deb -c: the mode of each regular file, owned by root.
func debFiles(t *testing.T, listing string) map[string]string {
	t.Helper()
	files := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(listing), "\n") {
		f := strings.Fields(line)
		if len(f) < 6 {
			t.Fatalf("dpkg-deb -c line %q", line)
		}
		if f[1] != "root/root" {
			t.Errorf("%s is owned by %s, want root/root", f[len(f)-1], f[1])
		}
		if strings.HasPrefix(f[0], "-") {
			files[strings.TrimPrefix(f[len(f)-1], ".")] = f[0]
		}
	}
	return files
}

// modeString turns rpm --dump's octal mode into ls's -rwxr-xr-x.
func modeString(t *testing.T, octal string) string {
	t.Helper()
	var m uint32
	if _, err := fmt.Sscanf(octal, "%o", &m); err != nil {
		t.Fatalf("rpm --dump mode %q: %v", octal, err)
	}
	if m&0o170000 == 0o040000 {
		return "d" + os.FileMode(m & 0o777).String()[1:]
	}
	return os.FileMode(m & 0o777).String()
}

// wantFiles checks that a package holds exactly the expected files with
// their modes: packaged, the man pages, and zsh's completion at zsh.
func wantFiles(t *testing.T, what string, files map[string]string, zsh string) {
	t.Helper()
	want := map[string]string{zsh: "-rw-r--r--"}
	for p, m := range packaged {
		want[p] = m
	}
	for _, page := range manPages {
		want["/usr/share/man/man1/"+page+".1.gz"] = "-rw-r--r--"
	}
	for p, m := range want {
		if files[p] != m {
			t.Errorf("%s: %s has mode %q, want %q", what, p, files[p], m)
		}
	}
	for p, m := range files {
		if _, ok := want[p]; ok || strings.HasPrefix(m, "d") {
			continue
		}
		if !regexp.MustCompile(`^/usr/share/man/man1/keepalive(-[a-z]+)*\.1\.gz$`).MatchString(p) || m != "-rw-r--r--" {
			t.Errorf("%s: unexpected %s %s", what, m, p)
		}
	}
}

// installDeb installs the package with dpkg into a throwaway root and runs
// what it installed: keepalive --version, man -w, the completions.
func installDeb(t *testing.T, deb, describe string) {
	testenv.Root(t)
	dpkg := testenv.Tool(t, "dpkg")
	man := testenv.Tool(t, "man")
	root := t.TempDir()
	for _, d := range []string{"info", "updates", "triggers"} {
		if err := os.MkdirAll(filepath.Join(root, "var", "lib", "dpkg", d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"status", "available"} {
		writeFile(t, filepath.Join(root, "var", "lib", "dpkg", f), "", 0o644)
	}
	// dpkg wants its helpers (ldconfig, start-stop-daemon) in PATH.
	env := []string{"PATH=" + os.Getenv("PATH") + ":/usr/sbin:/sbin"}
	// --path-include undoes the path-exclude of /usr/share/man and doc
	// that slim container images put in /etc/dpkg/dpkg.cfg.d.
	run(t, env, dpkg, "--root="+root, "--log="+filepath.Join(root, "dpkg.log"), "--path-include=/*", "--install", deb)
	if status := run(t, env, dpkg, "--root="+root, "--status", "keepalive"); !strings.Contains(status, "Status: install ok installed") {
		t.Fatalf("dpkg --status keepalive:\n%s", status)
	}

	bin := filepath.Join(root, "usr", "bin", "keepalive")
	wantVersion(t, run(t, nil, bin, "--version"), describe)
	manEnv := []string{"MANPATH=" + filepath.Join(root, "usr", "share", "man"), "MANPAGER=cat", "MANWIDTH=80", "LC_ALL=C.UTF-8"}
	for _, page := range manPages {
		want := filepath.Join(root, "usr", "share", "man", "man1", page+".1.gz")
		if got := strings.TrimSpace(run(t, manEnv, man, "-w", page)); got != want {
			t.Errorf("man -w %s: %q, want %q", page, got, want)
		}
	}
	if page := run(t, manEnv, man, "keepalive-server"); !strings.Contains(page, "ClientAliveInterval") {
		t.Errorf("man keepalive-server does not mention ClientAliveInterval:\n%s", page)
	}

	// The completions are the scripts keepalive generates, where the shells
	// look for them: bash defines the completion when it loads the file.
	comp := run(t, nil, "bash", "-c", `source "$1" && complete -p keepalive`, "bash",
		filepath.Join(root, "usr", "share", "bash-completion", "completions", "keepalive"))
	if !strings.Contains(comp, "keepalive") {
		t.Errorf("bash completion: complete -p keepalive printed %q", comp)
	}
	for path, want := range map[string]string{
		"usr/share/zsh/vendor-completions/_keepalive":        "#compdef keepalive",
		"usr/share/fish/vendor_completions.d/keepalive.fish": "complete -c keepalive",
	} {
		if got := readFile(t, filepath.Join(root, path)); !strings.Contains(got, want) {
			t.Errorf("/%s has no %q", path, want)
		}
	}
	if got := readFile(t, filepath.Join(root, "usr", "share", "doc", "keepalive", "copyright")); !strings.Contains(got, "License: MIT") || !strings.Contains(got, "Permission is hereby granted") {
		t.Errorf("/usr/share/doc/keepalive/copyright:\n%s", got)
	}
}

// installRPM installs the package with rpm into a throwaway root and runs
// the binary.
func installRPM(t *testing.T, rpm, pkg, describe string) {
	testenv.Root(t)
	root := t.TempDir()
	run(t, nil, rpm, "--root", root, "--initdb")
	run(t, nil, rpm, "--root", root, "--install", "--nodeps", pkg)
	if q := strings.TrimSpace(run(t, nil, rpm, "--root", root, "-q", "keepalive")); !strings.HasPrefix(q, "keepalive-") {
		t.Fatalf("rpm -q keepalive: %q", q)
	}
	wantVersion(t, run(t, nil, filepath.Join(root, "usr", "bin", "keepalive"), "--version"), describe)
	for _, p := range []string{"usr/share/zsh/site-functions/_keepalive", "usr/share/licenses/keepalive/LICENSE", "usr/share/man/man1/keepalive.1.gz"} {
		if _, err := os.Stat(filepath.Join(root, p)); err != nil {
			t.Errorf("the rpm installed no /%s: %v", p, err)
		}
	}
}

// wantVersion checks that keepalive --version names the version from git.
func wantVersion(t *testing.T, out, describe string) {
	t.Helper()
	if !regexp.MustCompile(`^keepalive (version )?` + regexp.QuoteMeta(describe) + `(\s|$)`).MatchString(out) {
		t.Errorf("keepalive --version: %q, want keepalive %s", strings.TrimSpace(out), describe)
	}
}

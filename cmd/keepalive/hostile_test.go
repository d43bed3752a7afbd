//go:build unix

package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// hostileCase is a config keepalive must survive. setup writes DIR/config
// and whatever it needs. want is "edit" when enable must succeed, else a
// regular expression the one error line must match; fileError marks
// errors about the config file itself, which server must give as well.
type hostileCase struct {
	name      string
	setup     func(t *testing.T, dir string)
	want      string
	fileError bool
}

// config writes DIR/config, with $DIR replaced by the directory.
func config(content string) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		writeFile(t, filepath.Join(dir, "config"), []byte(strings.ReplaceAll(content, "$DIR", dir)), 0o600)
	}
}

// files writes several files in DIR, with $DIR replaced.
func files(nameContent ...string) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		for i := 0; i < len(nameContent); i += 2 {
			writeFile(t, filepath.Join(dir, nameContent[i]), []byte(strings.ReplaceAll(nameContent[i+1], "$DIR", dir)), 0o600)
		}
	}
}

// both runs two setups.
func both(a, b func(*testing.T, string)) func(*testing.T, string) {
	return func(t *testing.T, dir string) { a(t, dir); b(t, dir) }
}

func mkfifo(name string) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		if err := syscall.Mkfifo(filepath.Join(dir, name), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func symlink(target, name string) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		if err := os.Symlink(strings.ReplaceAll(target, "$DIR", dir), filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
}

// sparse makes a file of size bytes that takes no disk space.
func sparse(name string, size int64) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := f.Truncate(size); err != nil {
			t.Fatal(err)
		}
	}
}

func junk(n int) string {
	r := rand.New(rand.NewPCG(6, 6))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return string(b)
}

var hostileCases = []hostileCase{
	{"NUL bytes", config("Host a\x00b\n\tUser x\x00y\n\x00\x00\x00\nHost *\n\tCompression yes\x00no\n"), "edit", false},
	{"binary junk", config(junk(8 << 10)), "edit", false},
	{"invalid UTF-8", config("Host caf\xe9 \xff\xfe\n  HostName \xc3\x28.example\n# \xed\xa0\x80 a surrogate\n"), "edit", false},
	{"BOM and CRLF", config("\ufeffHost a\r\n  User b\r\n"), "edit", false},
	{"lone CRs", config("Host a\r  User b\r"), "edit", false},
	{"unterminated quotes", config("Host \"unterminated\n  ProxyCommand 'ssh -W %h:%p\nUser \"x\nHost *\n  IdentityFile \"~/.ssh/id\n"), "edit", false},
	{"300 KB Host line", config("Host " + strings.Repeat("a", 300<<10) + "\n  User x\n"), "edit", false},
	{"300 KB comment, no final newline", config("Host x\n  User y\n# " + strings.Repeat("é", 150<<10)), "edit", false},
	{"300 KB Include line", config("Include" + strings.Repeat(" none", 60000) + "\nHost x\n"), "edit", false},
	{"Include of itself", config("Include $DIR/config\nHost a\n  User b\n"), "edit", false},
	{"Include loop", files("config", "Include $DIR/b.conf\nHost a\n  User a\n", "b.conf", "Include $DIR/config\nHost b\n  User b\n"), "edit", false},
	{"Include fan-out", config("Include" + strings.Repeat(" $DIR/config", 10) + "\n"), `config:1: .*too large to evaluate`, false},
	{"Include fan-out by glob", files(
		"config", "Include $DIR/c*\n", "c1", "Include $DIR/c*\n", "c2", "Include $DIR/c*\nHost c\n"), `:1: .*too large to evaluate`, false},
	{"Include of a glob over the file system", config("Host a\nInclude /*/*/*/*/*/*/*/*\n"), `config:2: Include /\*/\*.* matches too much`, false},
	{"Include of a directory", both(config("Include $DIR/sub $DIR/sub/*\nHost a\n  User b\n"), func(t *testing.T, dir string) {
		os.MkdirAll(filepath.Join(dir, "sub", "inner"), 0o700)
	}), "edit", false},
	{"Include of a FIFO", both(config("Include $DIR/fifo\nHost a\n  User b\n"), mkfifo("fifo")), "edit", false},
	{"Include of devices", config("Include /dev/zero /dev/urandom /dev/stdin /dev/tty /dev/null\nHost a\n"), "edit", false},
	{"Include of /proc files", config("Include /proc/self/pagemap /proc/kcore /proc/self/mem\nHost a\n"), "edit", false},
	{"Include of a symlink loop", both(config("Include $DIR/loopA\nHost a\n"), both(symlink("$DIR/loopB", "loopA"), symlink("$DIR/loopA", "loopB"))), "edit", false},
	{"Include of files too large to read", both(config("Include $DIR/big*\nHost a\n"), both(sparse("big1", 60<<20), sparse("big2", 60<<20))), `big2: .*too large to evaluate`, false},
	{"Include of a file over 64 MiB", both(config("Include $DIR/huge\nHost a\n"), sparse("huge", 65<<20)), "edit", false},
	{"Include 20 deep", func(t *testing.T, dir string) {
		config("Include $DIR/n1\nHost top\n  User top\n")(t, dir)
		for i := 1; i <= 20; i++ {
			writeFile(t, filepath.Join(dir, fmt.Sprintf("n%d", i)),
				fmt.Appendf(nil, "Include %s/n%d\nHost level%d\n  User u%d\n", dir, i+1, i, i), 0o600)
		}
	}, "edit", false},
	{"Include of unknown users' homes", config("Include ~nosuchuser/x ~/x ~\nHost a\n"), "edit", false},
	{"config is a FIFO", mkfifo("config"), `config is a FIFO`, true},
	{"config is a directory", func(t *testing.T, dir string) { os.Mkdir(filepath.Join(dir, "config"), 0o700) }, `config is a directory`, true},
	{"config is a device", symlink("/dev/zero", "config"), `config is a device`, true},
	{"config is a symlink loop", both(symlink("$DIR/config2", "config"), symlink("$DIR/config", "config2")), `config.*too many levels of symbolic links`, true},
	{"config over 64 MiB", sparse("config", 65<<20), `config.*too large`, true},
}

// testHostile: hostile configs through enable, disable, show and server
// --dry-run. Nothing
// hangs, panics or corrupts a file: enable either edits faithfully (only
// keep-alive lines added; disable then restores every byte) or refuses with
// one line naming the file, and line when there is one.
func (k *keepalive) testHostile(t *testing.T) {
	for _, tc := range hostileCases {
		t.Run(tc.name, func(t *testing.T) {
			dir := scratch(t)
			tc.setup(t, dir)
			cfg := filepath.Join(dir, "config")
			before := snapshot(t, dir)

			r := k.run(t, dir, "enable", "--file", cfg)
			r.sane(t)
			if tc.want == "edit" && r.code != 0 {
				// A config ssh -G rejects is reported and left alone ...
				if r.code != 1 || !strings.HasPrefix(r.stderr, "keepalive: ssh already rejects the current config") {
					t.Fatalf("want a faithful edit or ssh's refusal: %v", r)
				}
				unchangedBut(t, before, snapshot(t, dir))
				// ... and with --no-validate the edit is still faithful.
				r = k.run(t, dir, "enable", "--file", cfg, "--no-validate")
				r.sane(t)
			}
			if tc.want == "edit" {
				if r.code != 0 {
					t.Fatalf("want a faithful edit: %v", r)
				}
				after := snapshot(t, dir)
				if err := faithful(before[cfg], after[cfg]); err != nil {
					t.Fatalf("enable: %v\n%v", err, r)
				}
				unchangedBut(t, before, after, cfg)
			} else {
				r.failure(t, 1)
				if line := strings.SplitN(r.stderr, "\n", 2)[0]; !regexp.MustCompile(tc.want).MatchString(line) {
					t.Fatalf("error line %q does not match %q", line, tc.want)
				}
				unchangedBut(t, before, snapshot(t, dir))
			}

			if tc.want == "edit" {
				r = k.run(t, dir, "disable", "--file", cfg, "--no-validate")
				r.sane(t)
				if r.code != 0 {
					t.Fatalf("disable: %v", r)
				}
				unchangedBut(t, before, snapshot(t, dir))
			}

			if tc.fileError {
				r = k.run(t, dir, "server", "--file", cfg, "--no-validate")
				r.failure(t, 1)
				if line := strings.SplitN(r.stderr, "\n", 2)[0]; !regexp.MustCompile(tc.want).MatchString(line) {
					t.Fatalf("server: error line %q does not match %q", line, tc.want)
				}
				unchangedBut(t, before, snapshot(t, dir))
			}

			// show and the server's planning read the same file as client
			// and as sshd config; the server edit is a dry run, as sshd's
			// rules for what is faithful differ.
			for _, args := range [][]string{
				{"show", "--file", cfg, "--server-file", cfg, "--no-putty"},
				{"server", "--file", cfg, "--no-validate", "--dry-run"},
			} {
				r = k.run(t, dir, args...)
				r.sane(t)
				unchangedBut(t, before, snapshot(t, dir))
			}
		})
	}
}

// snapshot reads the regular files in dir by path (the big sparse ones by
// size only).
func snapshot(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	m := map[string][]byte{}
	for _, name := range listDir(t, dir) {
		p := filepath.Join(dir, name)
		info, err := os.Lstat(p)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case !info.Mode().IsRegular():
			m[p] = []byte(info.Mode().String())
		case info.Size() > 16<<20:
			m[p] = fmt.Appendf(nil, "%d bytes", info.Size())
		default:
			m[p] = readFile(t, p)
		}
	}
	return m
}

// unchangedBut fails unless after has the same files as before, each with
// the same content, except those named in skip.
func unchangedBut(t *testing.T, before, after map[string][]byte, skip ...string) {
	t.Helper()
	for p, b := range before {
		a, ok := after[p]
		switch {
		case !ok:
			t.Errorf("%s is gone", p)
		case !bytes.Equal(a, b) && !contains(skip, p):
			t.Errorf("%s changed: %s", p, firstDifference(b, a))
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			t.Errorf("%s appeared", p)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

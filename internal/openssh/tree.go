package openssh

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// Tree is a configuration as it would be on disk: the main file and every
// file it Includes, by path on disk, with candidate contents.
type Tree struct {
	Main  string
	Files map[string][]byte
	// Root is --root: absolute config paths (Include /etc/ssh/...) live
	// under it on disk.
	Root string
	// Anchor is the directory relative Include paths start from: /etc/ssh
	// for sshd and the system client config ("" means that), the user's
	// ~/.ssh for a user config.
	Anchor string
	// Home is what a leading '~' in an Include means for ssh; "" leaves
	// '~' alone, as sshd does.
	Home string
}

// How a candidate is checked together with the files it belongs to.
//
// sshd -t must see the candidate bytes, but they must not be put in place
// before sshd accepted them, and sshd reads its Includes from fixed paths
// (/etc/ssh/sshd_config.d/*.conf), where the old drop-ins are. So the
// whole set is copied into a private temporary directory, each file at its
// own path below it (/etc/ssh/sshd_config → TMP/etc/ssh/sshd_config), and
// the Include lines of the copies are rewritten to point into the copy,
// with relative ones anchored at /etc/ssh the way sshd anchors them. Only
// Include arguments change and no line is added or removed, so line
// numbers in sshd's messages are those of the real files, and the paths
// are mapped back. Globs expand in the copy to the same files as on disk:
// the set holds every file the configuration reads, plus the new drop-in.
// The same copy is used for the current configuration, so that a check
// that fails only because of the copying cannot pass for the old files and
// fail for the new ones.

// TestTree runs sshd -t on a copy of the tree.
func (c *Checker) TestTree(t Tree) error {
	main, back, err := c.mirror(t)
	if err != nil {
		return err
	}
	return back.mapError(t, c.Test(main))
}

// DumpTree runs sshd -T (with -C spec when not empty) on a copy of the
// tree.
func (c *Checker) DumpTree(t Tree, spec string) (Config, error) {
	main, back, err := c.mirror(t)
	if err != nil {
		return nil, err
	}
	vals, err := c.Dump(main, spec)
	return vals, back.mapError(t, err)
}

// pathMap maps paths in the copy back to the real ones.
type pathMap struct {
	dir   string
	files map[string]string // copy → real
}

func (c *Checker) mirror(t Tree) (main string, back *pathMap, err error) {
	c.copies++
	sub := fmt.Sprintf("tree-%d", c.copies)
	dir := c.scratch.Path(sub)
	// Each copy stays until the Checker is closed: the scratch directory
	// goes then, with everything in it.
	back = &pathMap{dir: dir, files: map[string]string{}}
	// The main file first: a file named twice (relative and absolute)
	// is copied once, as the main file's bytes when it is that one.
	paths := []string{t.Main}
	for path := range t.Files {
		if path != t.Main {
			paths = append(paths, path)
		}
	}
	sort.Strings(paths[1:])
	for _, path := range paths {
		data, ok := t.Files[path]
		if !ok {
			continue
		}
		cp := copyPath(dir, path)
		if _, dup := back.files[cp]; dup {
			continue
		}
		back.files[cp] = path
		rel, _ := filepath.Rel(c.scratch.Dir(), cp)
		if err := c.scratch.WriteFile(rel, rewriteIncludes(data, dir, t)); err != nil {
			return "", nil, fmt.Errorf("prepare the check with %s: %w", filepath.Base(c.Bin), err)
		}
	}
	main = copyPath(dir, t.Main)
	if _, ok := t.Files[t.Main]; !ok {
		return "", nil, fmt.Errorf("prepare the check with %s: %s is not in the set", filepath.Base(c.Bin), t.Main)
	}
	return main, back, nil
}

// copyPath is where a file on disk lives in the copy under dir.
func copyPath(dir, path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	abs = strings.TrimPrefix(abs, filepath.VolumeName(abs))
	return filepath.Join(dir, abs)
}

// rewriteIncludes points every Include argument of a file into the copy
// under dir, keeping every other byte and the number of lines.
func rewriteIncludes(data []byte, dir string, t Tree) []byte {
	anchor := t.Anchor
	if anchor == "" {
		anchor = "/etc/ssh"
	}
	f := sshconf.Parse(data)
	changed := false
	for i, l := range f.Lines {
		if !l.Is("Include") || l.Err() != nil {
			continue
		}
		var args []string
		for _, a := range l.Args() {
			p := a
			switch {
			case strings.HasPrefix(a, "~/") && t.Home != "":
				p = filepath.Join(t.Home, a[2:]) // already on disk: no --root below
			case strings.HasPrefix(a, "~"):
				args = append(args, quote(a)) // sshd leaves these alone too
				continue
			case !strings.HasPrefix(p, "/") && !filepath.IsAbs(p):
				p = filepath.Join(anchor, p)
				if t.Anchor == "" && t.Root != "" && t.Root != "/" {
					p = filepath.Join(t.Root, p)
				}
			default:
				if t.Root != "" && t.Root != "/" {
					p = filepath.Join(t.Root, p)
				}
			}
			if _, ok := t.Files[p]; !ok && !strings.ContainsAny(a, "*?[") {
				// A file that is not in the set does not exist: it
				// matches nothing in the copy either, so it is left out
				// (a line naming it 60,000 times would otherwise make
				// ssh parse megabytes of copy paths).
				continue
			}
			args = append(args, quote(copyPath(dir, p)))
		}
		if len(args) == 0 {
			args = []string{quote(copyPath(dir, "/nonexistent"))} // Include needs an argument
		}
		f.SetValue(i, strings.Join(args, " "))
		changed = true
	}
	if !changed {
		return data
	}
	return f.Bytes()
}

func quote(s string) string {
	if strings.ContainsAny(s, " \t\"'#\\") {
		return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
	}
	return s
}

// mapError rewrites the paths of a *Rejected error from the copy to the
// real files, and names the line of a complaint that quotes a value but
// no position (`Unsupported KEX algorithm "x"`).
func (m *pathMap) mapError(t Tree, err error) error {
	var rej *Rejected
	if !errors.As(err, &rej) {
		return err
	}
	out := &Rejected{Output: strings.ReplaceAll(rej.Output, m.dir, "")}
	for _, p := range rej.Problems {
		if real, ok := m.files[p.File]; ok {
			p.File = real
		} else if p.File != "" {
			p.File = strings.TrimPrefix(p.File, m.dir)
		}
		p.Msg = m.replacePaths(p.Msg)
		if p.File == "" {
			p.File, p.Line = findQuoted(t, p.Msg)
		}
		out.Problems = append(out.Problems, p)
	}
	return out
}

func (m *pathMap) replacePaths(s string) string {
	for cp, real := range m.files {
		s = strings.ReplaceAll(s, cp, real)
	}
	return strings.ReplaceAll(s, m.dir, "")
}

var quotedRE = regexp.MustCompile(`"([^"]+)"`)

// findQuoted finds the directive whose arguments contain the value a
// message quotes, in the order the files are listed from the main one.
func findQuoted(t Tree, msg string) (string, int) {
	m := quotedRE.FindStringSubmatch(msg)
	if m == nil {
		return "", 0
	}
	var rest []string
	for p := range t.Files {
		if p != t.Main {
			rest = append(rest, p)
		}
	}
	sort.Strings(rest)
	for _, path := range append([]string{t.Main}, rest...) {
		for i, l := range sshconf.Parse(t.Files[path]).Lines {
			if l.Kind == sshconf.Directive && strings.Contains(l.Value(), m[1]) {
				return path, i + 1
			}
		}
	}
	return "", 0
}

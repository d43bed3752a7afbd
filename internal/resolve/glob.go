package resolve

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
)

// maxGlobEntries bounds the directory entries one Include pattern may read.
// A real Include reads a directory or two; "Include /*/*/*/*/*/*/*" would
// list every file on the machine, and /proc's many times over, for minutes
// before anything else could stop it.
const maxGlobEntries = 1 << 16

// errGlobTooLarge is Glob's error for a pattern that reads too much.
var errGlobTooLarge = fmt.Errorf("matches too much of the file system (over %d directory entries read)", maxGlobEntries)

// isGlobTooLarge reports whether err is Glob giving up.
func isGlobTooLarge(err error) bool { return errors.Is(err, errGlobTooLarge) }

// OpenSSH expands Include patterns with glob(3), and on Linux (whose libc
// glob lacks what it needs) with its own copy of OpenBSD's glob
// (openbsd-compat/glob.c). This is that glob's behaviour, quirks included:
//   - '*', '?', '[set]' with '!' (not '^') negation, ranges and POSIX
//     classes ([:alpha:] ...); an unknown class makes the whole pattern
//     match nothing; a '[' with no ']' after it is an ordinary character;
//   - a leading '.' of a name is matched only by a literal '.';
//   - '\' quotes the next character;
//   - a set holding [:alnum:] ends the pattern: that class's index is 0,
//     the end-of-string marker of the compiled pattern, so nothing after
//     the set counts and it matches one-character names only.

// gtok is one compiled pattern element.
type gtok struct {
	kind byte // 'c' a character, '*', '?', '[' a set
	c    byte
	set  *gset
}

type gset struct {
	neg   bool
	items []gitem
}

type gitem struct {
	lo, hi byte
	class  func(byte) bool
}

// compileGlob compiles a pattern into segments split at '/'. ok is false
// when the pattern can match nothing (an unknown character class).
func compileGlob(pat string) (segs [][]gtok, abs, ok bool) {
	// Quoting first, as glob() does: a quoted character is never special.
	type qc struct {
		c         byte
		protected bool
	}
	var q []qc
	for i := 0; i < len(pat); i++ {
		if pat[i] == '\\' && i+1 < len(pat) {
			i++
			q = append(q, qc{pat[i], true})
			continue
		}
		q = append(q, qc{pat[i], false})
	}
	is := func(i int, c byte) bool { return i < len(q) && !q[i].protected && q[i].c == c }
	var toks []gtok
compile:
	for i := 0; i < len(q); i++ {
		switch {
		case is(i, '['):
			j := i + 1
			neg := is(j, '!')
			if neg {
				j++
			}
			closed := false
			for k := j + 1; k < len(q); k++ {
				if is(k, ']') {
					closed = true
					break
				}
			}
			if j >= len(q) || !closed {
				toks = append(toks, gtok{kind: 'c', c: '['})
				continue
			}
			set := &gset{neg: neg}
			truncate := false
			at := func(k int) (byte, bool) { // a C string: 0 past the end
				if k >= len(q) {
					return 0, false
				}
				return q[k].c, !q[k].protected
			}
			c, plain := at(j)
			j++
			for {
				if c == '[' && plain && is(j, ':') {
					for {
						// g_charclass: "[:name:]" with j at the ':'.
						colon := -1
						for k := j + 1; k < len(q); k++ {
							if is(k, ':') {
								colon = k
								break
							}
						}
						if colon < 0 || !is(colon+1, ']') {
							break // not a class: '[' is a member
						}
						var name strings.Builder
						for k := j + 1; k < colon; k++ {
							name.WriteByte(q[k].c)
						}
						f, known := posixClasses[name.String()]
						if !known {
							return nil, false, false
						}
						set.items = append(set.items, gitem{class: f})
						truncate = truncate || name.String() == "alnum"
						j = colon + 2
						c, plain = at(j)
						j++
						if !(c == '[' && plain && is(j, ':')) {
							break
						}
					}
					if c == ']' && plain {
						break
					}
				}
				if j > len(q) {
					break
				}
				it := gitem{lo: c, hi: c}
				if is(j, '-') && !is(j+1, ']') && j+1 < len(q) {
					it.hi = q[j+1].c
					j += 2
				}
				set.items = append(set.items, it)
				c, plain = at(j)
				j++
				if c == ']' && plain || j > len(q) {
					break
				}
			}
			i = j - 1
			toks = append(toks, gtok{kind: '[', set: set})
			if truncate {
				break compile
			}
		case is(i, '*'):
			if len(toks) == 0 || toks[len(toks)-1].kind != '*' {
				toks = append(toks, gtok{kind: '*'})
			}
		case is(i, '?'):
			toks = append(toks, gtok{kind: '?'})
		default:
			toks = append(toks, gtok{kind: 'c', c: q[i].c})
		}
	}
	abs = len(toks) > 0 && toks[0].kind == 'c' && toks[0].c == '/'
	var cur []gtok
	for _, t := range toks {
		if t.kind == 'c' && t.c == '/' {
			if len(cur) > 0 {
				segs = append(segs, cur)
			}
			cur = nil
			continue
		}
		cur = append(cur, t)
	}
	if len(cur) > 0 {
		segs = append(segs, cur)
	}
	return segs, abs, true
}

func hasMetaToks(seg []gtok) bool {
	for _, t := range seg {
		if t.kind != 'c' {
			return true
		}
	}
	return false
}

func literal(seg []gtok) string {
	b := make([]byte, len(seg))
	for i, t := range seg {
		b[i] = t.c
	}
	return string(b)
}

// glob expands pattern (a path on disk), reading directories through f and
// at most *budget directory entries.
func glob(f FS, pattern string, budget *int) ([]string, error) {
	if runtime.GOOS == "windows" {
		return globFilepath(pattern, budget)
	}
	segs, abs, ok := compileGlob(pattern)
	if !ok {
		return nil, nil
	}
	start := "."
	if abs {
		start = "/"
	}
	var out []string
	err := globSegs(f, start, !abs, segs, budget, &out)
	return out, err
}

func globSegs(f FS, path string, rel bool, segs [][]gtok, budget *int, out *[]string) error {
	join := func(name string) string {
		if rel && path == "." {
			return name
		}
		return filepath.Join(path, name)
	}
	for len(segs) > 0 && !hasMetaToks(segs[0]) {
		path = join(literal(segs[0]))
		rel = false
		segs = segs[1:]
	}
	if len(segs) == 0 {
		if _, err := f.Lstat(path); err == nil {
			*out = append(*out, path)
		}
		return nil
	}
	names, err := readDirNames(f, path, budget)
	if err != nil {
		return err
	}
	seg := segs[0]
	for _, n := range names {
		if n[0] == '.' && !(seg[0].kind == 'c' && seg[0].c == '.') {
			continue
		}
		if !gmatch(n, seg) {
			continue
		}
		if len(segs) == 1 {
			*out = append(*out, join(n))
			continue
		}
		if err := globSegs(f, join(n), false, segs[1:], budget, out); err != nil {
			return err
		}
	}
	return nil
}

// gmatch is glob.c's match: one backtrack point for the last '*'.
func gmatch(name string, pat []gtok) bool {
	pi, ni := 0, 0
	nextP, nextN := -1, 0
	for {
		for pi < len(pat) {
			t := pat[pi]
			pi++
			switch t.kind {
			case '*':
				if pi == len(pat) {
					return true
				}
				if ni == len(name) {
					return false
				}
				nextP, nextN = pi-1, ni+1
				continue
			case '?':
				if ni == len(name) {
					goto fail
				}
				ni++
				continue
			case '[':
				if ni == len(name) || !t.set.has(name[ni]) {
					goto fail
				}
				ni++
				continue
			default:
				if ni == len(name) || name[ni] != t.c {
					goto fail
				}
				ni++
				continue
			}
		}
		if ni == len(name) {
			return true
		}
	fail:
		if nextP < 0 {
			return false
		}
		pi, ni = nextP, nextN
	}
}

func (s *gset) has(c byte) bool {
	ok := false
	for _, it := range s.items {
		if it.class != nil {
			if it.class(c) {
				ok = true
			}
		} else if it.lo <= c && c <= it.hi {
			ok = true
		}
	}
	return ok != s.neg
}

// readDirNames lists dir (nothing if it is not a readable directory),
// charging each entry to budget. Under a root it is opened inside it.
func readDirNames(f FS, dir string, budget *int) ([]string, error) {
	d, err := f.openDir(dir)
	if err != nil {
		return nil, nil
	}
	defer d.Close()
	return sortedNames(d, budget)
}

// sortedNames reads the names of an open directory, sorted, charging
// each to budget.
func sortedNames(d *os.File, budget *int) ([]string, error) {
	var names []string
	for {
		batch, err := d.Readdirnames(256)
		names = append(names, batch...)
		if *budget -= len(batch); *budget < 0 {
			return nil, errGlobTooLarge
		}
		if err != nil || len(batch) == 0 {
			slices.Sort(names)
			return names, nil
		}
	}
}

// posixClasses are the character classes of the C locale.
var posixClasses = map[string]func(byte) bool{
	"alnum":  func(c byte) bool { return isAlpha(c) || isDigit(c) },
	"alpha":  isAlpha,
	"blank":  func(c byte) bool { return c == ' ' || c == '\t' },
	"cntrl":  func(c byte) bool { return c < 0x20 || c == 0x7f },
	"digit":  isDigit,
	"graph":  func(c byte) bool { return c > 0x20 && c < 0x7f },
	"lower":  func(c byte) bool { return c >= 'a' && c <= 'z' },
	"print":  func(c byte) bool { return c >= 0x20 && c < 0x7f },
	"punct":  func(c byte) bool { return c > 0x20 && c < 0x7f && !isAlpha(c) && !isDigit(c) },
	"space":  func(c byte) bool { return c == ' ' || c >= '\t' && c <= '\r' },
	"upper":  func(c byte) bool { return c >= 'A' && c <= 'Z' },
	"xdigit": func(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' },
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

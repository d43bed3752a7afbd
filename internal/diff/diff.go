// Package diff prints unified diffs of small edits to large files. Edits
// made by keepalive touch a few lines, so the common prefix and suffix are
// trimmed first and only the short middle is compared line by line: linear
// in the file size.
package diff

import (
	"fmt"
	"strings"
)

// context is the number of unchanged lines shown around a change.
const context = 3

// maxMiddle bounds the quadratic part; a larger middle is shown as one
// replaced run, which is still a correct diff.
const maxMiddle = 2000

type op struct {
	kind byte // ' ', '-', '+'
	text string
}

// Unified returns a unified diff from old to new labelled with the names,
// or "" when they are equal. Lines keep their endings; a missing final
// newline is marked as diff(1) does.
//
// Only the lines around the change are split out: the common prefix and
// suffix of whole lines are found on the bytes (a 9 MB file split into
// 500,000 lines twice, and an operation made for each, took a second and
// 130 MB for a one-line change).
func Unified(oldName, newName string, old, new []byte) string {
	return UnifiedText(oldName, newName, string(old), string(new))
}

// UnifiedText is Unified for contents held as strings (not copied).
func UnifiedText(oldName, newName, a, b string) string {
	if a == b {
		return ""
	}
	// pre: the start of the first line that differs, the same in both.
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	pre = strings.LastIndexByte(a[:pre], '\n') + 1
	// suf: the bytes of the common whole lines at the end, not reaching
	// into pre.
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	for suf > 0 && !(lineStart(a, len(a)-suf, pre) && lineStart(b, len(b)-suf, pre)) {
		suf--
	}
	// Context: up to that many whole lines before and after.
	from := pre
	for k := 0; k < context && from > 0; k++ {
		from = strings.LastIndexByte(a[:from-1], '\n') + 1
	}
	toA, toB := len(a)-suf, len(b)-suf
	after := toA
	for k := 0; k < context && after < len(a); k++ {
		if n := strings.IndexByte(a[after:], '\n'); n >= 0 {
			after += n + 1
		} else {
			after = len(a)
		}
	}
	var ops []op
	for _, l := range splitLines(a[from:pre]) {
		ops = append(ops, op{' ', l})
	}
	ops = append(ops, middle(splitLines(a[pre:toA]), splitLines(b[pre:toB]))...)
	for _, l := range splitLines(a[toA:after]) {
		ops = append(ops, op{' ', l})
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "--- %s\n+++ %s\n", oldName, newName)
	writeHunks(&sb, ops, strings.Count(a[:from], "\n"))
	return sb.String()
}

// lineStart reports whether offset i of s starts a line: the start of the
// text, just after a line break, or at pre (which starts a line).
func lineStart(s string, i, pre int) bool {
	return i == pre || i == 0 || s[i-1] == '\n'
}

func splitLines(s string) []string {
	var out []string
	for len(s) > 0 {
		n := strings.IndexByte(s, '\n') + 1
		if n == 0 {
			n = len(s)
		}
		out = append(out, s[:n])
		s = s[n:]
	}
	return out
}

// middle diffs two short runs with a longest-common-subsequence table.
func middle(a, b []string) []op {
	if len(a)*len(b) > maxMiddle*maxMiddle || len(a) == 0 || len(b) == 0 {
		var ops []op
		for _, l := range a {
			ops = append(ops, op{'-', l})
		}
		for _, l := range b {
			ops = append(ops, op{'+', l})
		}
		return ops
	}
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var ops []op
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			ops = append(ops, op{' ', a[i]})
			i++
			j++
		case i < len(a) && (j == len(b) || lcs[i+1][j] >= lcs[i][j+1]):
			ops = append(ops, op{'-', a[i]})
			i++
		default:
			ops = append(ops, op{'+', b[j]})
			j++
		}
	}
	return ops
}

// writeHunks groups changes with their context into @@ hunks; ops start
// at line index base of both files.
func writeHunks(sb *strings.Builder, ops []op, base int) {
	oldLine, newLine := make([]int, len(ops)+1), make([]int, len(ops)+1)
	oldLine[0], newLine[0] = base, base
	for k, o := range ops {
		oldLine[k+1], newLine[k+1] = oldLine[k], newLine[k]
		if o.kind != '+' {
			oldLine[k+1]++
		}
		if o.kind != '-' {
			newLine[k+1]++
		}
	}
	for k := 0; k < len(ops); {
		if ops[k].kind == ' ' {
			k++
			continue
		}
		start := max(k-context, 0)
		end := k
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			run := end
			for run < len(ops) && ops[run].kind == ' ' {
				run++
			}
			if run == len(ops) || run-end > 2*context {
				end = min(end+context, len(ops))
				break
			}
			end = run
		}
		fmt.Fprintf(sb, "@@ -%s +%s @@\n", span(oldLine[start], oldLine[end]), span(newLine[start], newLine[end]))
		for _, o := range ops[start:end] {
			sb.WriteByte(o.kind)
			sb.WriteString(o.text)
			if !strings.HasSuffix(o.text, "\n") {
				sb.WriteString("\n\\ No newline at end of file\n")
			}
		}
		k = end
	}
}

func span(from, to int) string {
	n := to - from
	if n == 1 {
		return fmt.Sprint(from + 1)
	}
	if n == 0 {
		return fmt.Sprintf("%d,0", from)
	}
	return fmt.Sprintf("%d,%d", from+1, n)
}

// Colorize adds terminal colours to a unified diff: bold file names, green
// additions, red removals, cyan hunk headers.
func Colorize(d string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(d, "\n") {
		color := ""
		switch {
		case strings.HasPrefix(line, "+++"), strings.HasPrefix(line, "---"):
			color = "\x1b[1m"
		case strings.HasPrefix(line, "+"):
			color = "\x1b[32m"
		case strings.HasPrefix(line, "-"):
			color = "\x1b[31m"
		case strings.HasPrefix(line, "@@"):
			color = "\x1b[36m"
		}
		if color == "" || line == "" {
			b.WriteString(line)
			continue
		}
		b.WriteString(color + strings.TrimSuffix(line, "\n") + "\x1b[0m\n")
	}
	return b.String()
}

package diff

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestUnified(t *testing.T) {
	tests := []struct {
		name, old, new, want string
	}{
		{"equal", "a\n", "a\n", ""},
		{"append", "a\nb\n", "a\nb\nc\n", "--- x\n+++ y\n@@ -1,2 +1,3 @@\n a\n b\n+c\n"},
		{"replace middle", "1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nX\n6\n7\n8\n9\n",
			"--- x\n+++ y\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+X\n 6\n 7\n 8\n"},
		{"no final newline", "a", "a\nb", "--- x\n+++ y\n@@ -1 +1,2 @@\n-a\n\\ No newline at end of file\n+a\n+b\n\\ No newline at end of file\n"},
		{"into empty", "", "a\n", "--- x\n+++ y\n@@ -0,0 +1 @@\n+a\n"},
	}
	for _, tt := range tests {
		if got := Unified("x", "y", []byte(tt.old), []byte(tt.new)); got != tt.want {
			t.Errorf("%s:\ngot:\n%s\nwant:\n%s", tt.name, got, tt.want)
		}
	}
}

// referenceUnified is Unified as it was before it found the common
// prefix and suffix on the bytes: every line split out, an operation for
// each. TestUnifiedSameAsSplitting compares the two.
func referenceUnified(oldName, newName string, old, new []byte) string {
	if string(old) == string(new) {
		return ""
	}
	a, b := splitLines(string(old)), splitLines(string(new))
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	var ops []op
	for _, l := range a[:pre] {
		ops = append(ops, op{' ', l})
	}
	ops = append(ops, middle(a[pre:len(a)-suf], b[pre:len(b)-suf])...)
	for _, l := range a[len(a)-suf:] {
		ops = append(ops, op{' ', l})
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "--- %s\n+++ %s\n", oldName, newName)
	writeHunks(&sb, ops, 0)
	return sb.String()
}

// TestUnifiedSameAsSplitting: on random files and edits (lines inserted,
// removed and replaced anywhere, repeated lines, CRLF, no final newline,
// empty files), Unified prints exactly what splitting every line does.
func TestUnifiedSameAsSplitting(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	words := []string{"a\n", "b\n", "Host x\n", "  Port 22\n", "\n", "c\r\n", "# d\n"}
	for round := range 3000 {
		var lines []string
		for range rng.IntN(40) {
			lines = append(lines, words[rng.IntN(len(words))])
		}
		edited := slices.Clone(lines)
		for range 1 + rng.IntN(3) {
			k := rng.IntN(len(edited) + 1)
			switch rng.IntN(3) {
			case 0:
				edited = slices.Insert(edited, k, words[rng.IntN(len(words))])
			case 1:
				if k < len(edited) {
					edited = slices.Delete(edited, k, k+1)
				}
			default:
				if k < len(edited) {
					edited[k] = words[rng.IntN(len(words))]
				}
			}
		}
		a, b := strings.Join(lines, ""), strings.Join(edited, "")
		if rng.IntN(4) == 0 {
			a = strings.TrimSuffix(a, "\n")
		}
		if rng.IntN(4) == 0 {
			b = strings.TrimSuffix(b, "\n")
		}
		if got, want := Unified("x", "y", []byte(a), []byte(b)), referenceUnified("x", "y", []byte(a), []byte(b)); got != want {
			t.Fatalf("round %d: %q -> %q:\ngot:\n%s\nwant:\n%s", round, a, b, got, want)
		}
	}
}

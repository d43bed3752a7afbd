package sshconf

import (
	"fmt"
	"strings"
)

// Block is a run of lines that share a Host or Match header. The lines
// before the first header form a block with a nil Header: they apply to
// every host (or, in sshd_config, to every connection).
type Block struct {
	Header *Line
	Start  int // index of the header line (or 0 for the leading block)
	End    int // index after the block's last line
}

// IsHeader reports whether l starts a block.
func IsHeader(l *Line) bool {
	if l.Kind != Directive {
		return false
	}
	if n := len(l.Key()); n != 4 && n != 5 && !nonASCII(l.Key()) {
		return false // the common case, without case folding
	}
	return l.Is("Host") || l.Is("Match")
}

func nonASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return true
		}
	}
	return false
}

// Blocks returns the file's blocks in order. The first is always the
// leading block, possibly empty.
func (f *File) Blocks() []Block {
	blocks := []Block{{Start: 0}}
	for i, l := range f.Lines {
		if IsHeader(l) {
			blocks[len(blocks)-1].End = i
			blocks = append(blocks, Block{Header: l, Start: i})
		}
	}
	blocks[len(blocks)-1].End = len(f.Lines)
	return blocks
}

// BlockOf returns the block that holds line index i, or the zero Block
// when i is out of range. It looks only as far as the nearest headers on
// either side.
func (f *File) BlockOf(i int) Block {
	if i < 0 || i >= len(f.Lines) {
		return Block{}
	}
	var b Block
	for s := i; s >= 0; s-- {
		if IsHeader(f.Lines[s]) {
			b.Header, b.Start = f.Lines[s], s
			break
		}
	}
	b.End = i + 1
	for b.End < len(f.Lines) && !IsHeader(f.Lines[b.End]) {
		b.End++
	}
	return b
}

// LastDirective returns the index of the last directive in b (the header
// itself when the block has none), or -1 for an empty leading block.
func (f *File) LastDirective(b Block) int {
	for i := b.End - 1; i >= b.Start; i-- {
		if f.Lines[i].Kind == Directive {
			return i
		}
	}
	return -1
}

// IsHostAll reports whether a header applies to every host
// unconditionally: "Host *" or "Match all".
func IsHostAll(h *Line) bool {
	if h == nil {
		return true
	}
	if h.NArg() != 1 {
		return false
	}
	if h.Is("Host") {
		return h.Arg0() == "*"
	}
	return h.Is("Match") && strings.EqualFold(h.Arg0(), "all")
}

// Header returns a block header as "Keyword arguments", for messages: a
// line naming many hosts (a thousand on one Host line) shows the first
// few and how many more.
func Header(l *Line) string {
	return l.Key() + " " + Abbrev(l.Args())
}

// abbrevArgs is how many arguments Abbrev shows of a long list.
const abbrevArgs = 6

// Abbrev joins args with spaces; of more than abbrevArgs+2 only the first
// abbrevArgs, then "... (N more)".
func Abbrev(args []string) string {
	if len(args) <= abbrevArgs+2 {
		return strings.Join(args, " ")
	}
	return strings.Join(args[:abbrevArgs], " ") + fmt.Sprintf(" ... (%d more)", len(args)-abbrevArgs)
}

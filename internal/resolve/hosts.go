package resolve

import (
	"fmt"
	"strings"

	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// HostPattern is one pattern of a Host line, where it was written.
type HostPattern struct {
	Pattern string // as written, e.g. "*.example.com"; never negated
	Pos     string // "path:line"
}

// HostPatterns lists the Host patterns in opts.Files and every file they
// Include, in the order ssh would read them, each pattern once (at its
// first occurrence). Unlike Resolve it evaluates nothing: an Include inside
// a Host or Match block is followed whether or not the block could apply,
// since the point is to offer every pattern the user wrote (shell
// completion). Negated patterns ("!bastion") are left out: they name no
// host to configure. Unreadable files are skipped silently.
func HostPatterns(opts Options) []HostPattern {
	if opts.Dialect.Server {
		return nil // sshd_config has no Host blocks
	}
	h := &hostLister{w: &walker{opts: &opts}, seen: map[string]bool{}, read: map[string]bool{}}
	for _, in := range opts.Files {
		h.file(in.Path, in.User, 0)
	}
	return h.out
}

type hostLister struct {
	w    *walker // for includePath: Includes resolve exactly as in Resolve
	out  []HostPattern
	seen map[string]bool // patterns already listed
	read map[string]bool // files already read, so an Include loop ends
}

func (h *hostLister) file(path string, user bool, depth int) {
	if depth > maxDepth || h.read[path] {
		return
	}
	h.read[path] = true
	f, ok := h.w.opts.Override[path]
	if !ok {
		data, _, _, err := h.w.opts.FS.readFile(path, nil)
		if err != nil {
			return
		}
		f = sshconf.ParseString(data)
	}
	for i, l := range f.Lines {
		if l.Kind != sshconf.Directive || l.Err() != nil {
			continue
		}
		switch {
		case l.Is("Include"):
			for _, arg := range l.Args() {
				arg, ok := h.w.expandInclude("", arg)
				if !ok {
					continue
				}
				p, err := h.w.includePath(arg, user)
				if err != nil {
					continue
				}
				matches, err := h.w.opts.FS.Glob(p)
				if err != nil {
					continue
				}
				for _, m := range matches {
					h.file(m, user, depth+1)
				}
			}
		case l.Is("Host"):
			for _, p := range l.Args() {
				if p == "" || strings.HasPrefix(p, "!") || h.seen[p] {
					continue
				}
				h.seen[p] = true
				h.out = append(h.out, HostPattern{Pattern: p, Pos: fmt.Sprintf("%s:%d", path, i+1)})
			}
		}
	}
}

package report

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/keepalive-ssh/keepalive/internal/resolve"
	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// serverKeys are the server keywords show reports.
var serverKeys = keysOf(sshconf.Server)

func buildServer(r *Report, opts resolve.Options) *Server {
	opts.Keys = nil // only the keywords reported
	for _, k := range serverKeys {
		opts.Keys = append(opts.Keys, k.key)
	}
	res := resolve.Resolve(opts)
	main := opts.Files[0].Path
	if res.Doc(main) == nil {
		if _, err := opts.FS.Lstat(main); errors.Is(err, fs.ErrNotExist) {
			r.ServerMissing = main
			r.Add(Info, SectionServer, "", "%s does not exist: the OpenSSH server is not installed or not configured here", main)
			return nil
		}
		fileWarnings(r, SectionServer, opts, res)
		if len(res.Problems) == 0 {
			r.Add(Error, SectionServer, main, "cannot read the server config")
		}
		r.ServerMissing = main
		return nil
	}
	s := &Server{Config: main, Files: docPaths(res), Result: res, Connection: opts.Conn.Spec()}
	values := valuesOf(res, serverKeys)
	s.byKey = values
	s.ClientAliveInterval = values["clientaliveinterval"]
	s.ClientAliveCountMax = values["clientalivecountmax"]
	s.TCPKeepAlive = values["tcpkeepalive"]

	s.Rejected = fileWarnings(r, SectionServer, opts, res)
	reject := func(why string) {
		if s.Rejected == "" {
			s.Rejected = why
			r.Add(Error, SectionServer, "", "sshd rejects this config (%s): the values shown are what keepalive read, not values in effect", why)
		}
	}
	for _, v := range []Value{s.ClientAliveInterval, s.ClientAliveCountMax, s.TCPKeepAlive} {
		if v.bad {
			reject(v.Source + ": " + directive(*v.occ) + ": an invalid value")
		}
	}
	for _, k := range serverKeys {
		v := values[k.key]
		badValue(r, SectionServer, k.name, v, "sshd")
		aliasNote(r, SectionServer, opts.Dialect, v)
		var global, matchAll []resolve.Occurrence
		for _, o := range res.All(k.key, resolve.Active) {
			if o.Pass == 1 {
				global = append(global, o)
			} else {
				matchAll = append(matchAll, o)
			}
		}
		shadowedBy(r, global)
		shadowedBy(r, matchAll)
		who := "every connection"
		if opts.Conn != nil {
			who = "this connection"
		}
		if len(global) > 0 && len(matchAll) > 0 {
			r.Add(Info, SectionServer, global[0].Pos(), "%s is overridden for %s by %s in %s",
				directive(global[0]), who, directive(matchAll[0]), blockAt(res, matchAll[0]))
		}
		// The global value, which Match blocks override.
		globalValue := fmt.Sprint(map[string]any{"clientaliveinterval": DefaultInterval, "clientalivecountmax": DefaultCountMax, "tcpkeepalive": DefaultKeepAlive}[k.key]) + " (the default)"
		if len(global) > 0 {
			globalValue = global[0].Line().Value() + " (" + global[0].Pos() + ")"
		}
		// Match blocks for some connections.
		var inMatch []resolve.Occurrence
		for _, o := range res.Occurrences {
			if o.Key == k.key && o.Header != nil && o.State != resolve.Active {
				inMatch = append(inMatch, o)
			}
		}
		for _, o := range uniq(inMatch) {
			if k.key == "tcpkeepalive" {
				r.Add(Error, SectionServer, o.Pos(), "%s is inside %s: sshd does not allow TCPKeepAlive in a Match block and refuses the config",
					directive(o), blockAt(res, o))
				reject(o.Pos() + ": TCPKeepAlive inside a Match block")
				continue
			}
			level := Info
			n, ok := parseLeading(o, k.key)
			if ok && n == 0 {
				level = Warning
			}
			r.Add(level, SectionServer, o.Pos(), "%s applies to connections matching %s, overriding the global %s %s for them",
				directive(o), blockAt(res, o), k.name, globalValue)
		}
	}
	intervalWarnings(r, SectionServer, sshconf.ClientAliveInterval, s.ClientAliveInterval, "in sshd")
	if n, ok := s.ClientAliveCountMax.Int(); ok && n == 0 {
		r.Add(Warning, SectionServer, sourceIfSet(s.ClientAliveCountMax), "ClientAliveCountMax 0: since OpenSSH 8.2 sshd then never disconnects an unresponsive client (before 8.2 it disconnected at the first keep-alive); use 2 or 3")
	}
	return s
}

// parseLeading reads an occurrence's value as a number of seconds or a
// count.
func parseLeading(o resolve.Occurrence, key string) (int, bool) {
	args := o.Line().Args()
	if len(args) != 1 {
		return 0, false
	}
	if key == "clientalivecountmax" {
		return parseInt(args[0])
	}
	return parseTime(args[0])
}

// shadowedBy reports every occurrence after the first of a list of lines
// that all apply: sshd keeps the first.
func shadowedBy(r *Report, occs []resolve.Occurrence) {
	occs = uniq(occs)
	for _, o := range occs[min(1, len(occs)):] {
		r.Add(Warning, SectionServer, o.Pos(), "%s is ignored: %s sets %s first, and sshd keeps the first value it obtains",
			directive(o), occs[0].Pos(), directive(occs[0]))
	}
}

package resolve

import (
	"strings"

	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// Keywords Debian's and Ubuntu's builds add (their GSSAPI key exchange
// patch, the ProtocolKeepAlives and SetupTimeOut aliases, DebianBanner).
var (
	debianClientKeywords = map[string]bool{
		"protocolkeepalives": true, "setuptimeout": true, "gssapikeyexchange": true,
		"gssapiclientidentity": true, "gssapiserveridentity": true,
		"gssapirenewalforcesrekey": true, "gssapitrustdns": true, "gssapikexalgorithms": true,
	}
	debianServerKeywords = map[string]bool{
		"debianbanner": true, "gssapikeyexchange": true,
		"gssapistorecredentialsonrekey": true, "gssapikexalgorithms": true,
	}
)

// newestKnown is the newest release the keyword tables cover: a newer
// release may know keywords they lack.
var newestKnown = map[bool][2]int{false: {10, 4}, true: {10, 3}}

// checkKeyword reports a keyword the release does not know ("Bad
// configuration option"), and for sshd one that is not allowed inside a
// Match block. inMatch says whether the line is in one.
func (w *walker) checkKeyword(path string, i int, l *sshconf.Line, inMatch bool) {
	pos := func() string { return linePos(path, i) }
	key, ok := w.lower[l.Key]
	if !ok {
		key = strings.ToLower(l.Key)
		if w.lower == nil {
			w.lower = map[string]string{}
		}
		w.lower[l.Key] = key
	}
	server := w.opts.Dialect.Server
	table, debian := clientKeywords, debianClientKeywords
	if server {
		table, debian = serverKeywords, debianServerKeywords
	}
	info, ok := table[key]
	switch {
	case ok && (info.major < 8 || info.major == 8 && info.minor == 0):
	case ok:
		if v := w.version(); !v.AtLeast(int(info.major), int(info.minor)) {
			w.problem(pos(), "%s: Bad configuration option: %s is new in OpenSSH %d.%d, and this is %s", l.Key, l.Key, info.major, info.minor, v)
			return
		}
	case debian[key]:
		if v := w.version(); v.Known() && !v.Debian {
			w.problem(pos(), "%s: Bad configuration option: only Debian's and Ubuntu's OpenSSH know %s, and this is %s", l.Key, l.Key, v)
			return
		}
	default:
		if !server {
			if ign, set := w.vals["ignoreunknown"]; set && matchList(key, ign, true) == 1 {
				return // IgnoreUnknown
			}
		}
		v := w.version()
		newest := newestKnown[server]
		if v.Known() && v.AtLeast(newest[0], newest[1]+1) {
			return // perhaps a keyword of a release newer than keepalive's tables
		}
		w.problem(pos(), "Bad configuration option: %s", l.Key)
		return
	}
	if server && inMatch && ok && !info.inMatch {
		w.problem(pos(), "Directive '%s' is not allowed within a Match block; sshd refuses the config", l.Key)
	}
}

package resolve

import (
	"slices"
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

// spelling is what the walker needs of a keyword as written, looked up
// once per spelling: a large config repeats a handful of keywords.
type spelling struct {
	lower, canon string
	info         keywordInfo
	known        bool // in the release tables
	record       bool // an Occurrence is recorded (Options.Keys)
}

func (w *walker) spelling(key string) *spelling {
	// A small table in front of the map: most lines of a large config use
	// one of a few spellings, and comparing one string is cheaper than
	// hashing it.
	slot := &w.recent[spellingSlot(key)]
	if slot.sp != nil && slot.key == key {
		return slot.sp
	}
	sp := w.lookupSpelling(key)
	slot.key, slot.sp = key, sp
	return sp
}

// recentSpellings is the table in front of walker.spellings.
type recentSpellings [64]struct {
	key string
	sp  *spelling
}

// spellingSlot picks a keyword's slot from its length and its first,
// middle and last bytes, which set apart the keywords of a typical config
// (first and last alone put ForceCommand and X11Forwarding, which
// alternate in a generated sshd_config, in one slot), mixed by Fibonacci
// hashing: the top 6 bits of the product.
func spellingSlot(key string) int {
	if key == "" {
		return 0
	}
	h := uint32(len(key))<<24 | uint32(key[0]|0x20)<<16 | uint32(key[len(key)/2]|0x20)<<8 | uint32(key[len(key)-1]|0x20)
	return int((h * 0x9E3779B1) >> 26)
}

func (w *walker) lookupSpelling(key string) *spelling {
	if sp, ok := w.spellings[key]; ok {
		return sp
	}
	sp := &spelling{lower: strings.ToLower(key), canon: w.opts.Dialect.Canon(key)}
	if sp.canon == "connecttimeout" && strings.EqualFold(key, "setuptimeout") {
		// Debian's before 1:9.9 read it as ServerAliveInterval.
		if w.version().setupTimeOutIsAlive() {
			sp.canon = "serveraliveinterval"
		}
	}
	table := clientKeywords
	if w.opts.Dialect.Server {
		table = serverKeywords
	}
	sp.info, sp.known = table[sp.lower]
	sp.record = w.keys == nil || w.keys[sp.canon]
	w.spellings[key] = sp // shared through keySet
	return sp
}

// checkKeyword reports a keyword the release does not know ("Bad
// configuration option"), and for sshd one that is not allowed inside a
// Match block. inMatch says whether the line is in one.
func (w *walker) checkKeyword(path string, i int, l *sshconf.Line, sp *spelling, inMatch bool) {
	pos := func() string { return linePos(path, i) }
	key, info, ok := sp.lower, sp.info, sp.known
	server := w.opts.Dialect.Server
	debian := debianClientKeywords
	if server {
		debian = debianServerKeywords
	}
	switch {
	case ok && (info.major < 8 || info.major == 8 && info.minor == 0):
	case ok:
		if v := w.version(); !v.AtLeast(int(info.major), int(info.minor)) {
			w.problem(pos(), "%s: Bad configuration option: %s is new in OpenSSH %d.%d, and this is %s", l.Key(), l.Key(), info.major, info.minor, v)
			return
		}
	case debian[key]:
		if v := w.version(); v.Known() && !v.Debian {
			w.problem(pos(), "%s: Bad configuration option: only Debian's and Ubuntu's OpenSSH know %s, and this is %s", l.Key(), l.Key(), v)
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
		w.problem(pos(), "Bad configuration option: %s", l.Key())
		return
	}
	if server && inMatch && ok && !info.inMatch {
		w.problem(pos(), "Directive '%s' is not allowed within a Match block; sshd refuses the config", l.Key())
	}
}

// quickKeys rules out, by length and first letter alone, keywords that do
// nothing on a line of a block that does not apply: all but Host, Match,
// Include, CanonicalizeHostname (which can bring ssh's final pass) and the
// keywords recorded (Options.Keys), with every alias spelling. A walk that
// reports no problems (Options.NoProblems) then need not look up most
// lines of a large config at all.
type quickKeys [64]uint32 // by length: a bit per first letter, folded

// keySet is what an evaluation derives from Options.Keys: the keys,
// canonical (nil: every key), their quick test when the walk reports no
// problems, and the spellings looked up so far (walker.spelling). The
// evaluations of a Skip (show's, one per host) that ask about the same
// keys share one.
type keySet struct {
	list       []string // Options.Keys
	noProblems bool     // Options.NoProblems
	canon      map[string]bool
	quick      *quickKeys
	spellings  map[string]*spelling
}

// newKeySet returns the keySet of opts: the Skip's when it is for the
// same keys.
func newKeySet(opts *Options) *keySet {
	sk := opts.Skip
	if opts.Dialect.Server {
		sk = nil // a Skip is for client evaluations
	}
	if sk != nil && sk.keys.serves(opts) {
		return sk.keys
	}
	k := &keySet{list: slices.Clone(opts.Keys), noProblems: opts.NoProblems, spellings: map[string]*spelling{}}
	if opts.Keys != nil {
		k.canon = make(map[string]bool, len(opts.Keys))
		for _, key := range opts.Keys {
			k.canon[opts.Dialect.Canon(key)] = true
		}
		if opts.NoProblems {
			k.quick = newQuickKeys(k.canon)
		}
	}
	if sk != nil {
		sk.keys = k
	}
	return k
}

// serves reports whether k (nil: none) was made for the keys opts asks
// about.
func (k *keySet) serves(opts *Options) bool {
	return k != nil && (k.list == nil) == (opts.Keys == nil) && slices.Equal(k.list, opts.Keys) && k.noProblems == opts.NoProblems
}

func newQuickKeys(keys map[string]bool) *quickKeys {
	q := &quickKeys{}
	// Any alias may be a spelling of one that matters.
	for _, k := range append([]string{"host", "match", "include", "canonicalizehostname"}, sshconf.AliasSpellings()...) {
		q.add(k)
	}
	for k := range keys {
		q.add(k)
	}
	return q
}

func (q *quickKeys) add(k string) {
	if k != "" && len(k) < len(q) {
		q[len(k)] |= 1 << ((k[0] | 0x20) & 31)
	}
}

// may reports whether key may be one of the keywords that matter. A key
// with a byte outside ASCII is always looked up: case folding may make
// it one (the Kelvin sign folds to k).
func (q *quickKeys) may(key string) bool {
	if key == "" || len(key) >= len(q) || q[len(key)]&(1<<((key[0]|0x20)&31)) != 0 {
		return true
	}
	for i := 0; i < len(key); i++ {
		if key[i] >= 0x80 {
			return true
		}
	}
	return false
}

package sshconf

import "strings"

// The keywords keepalive manages, in OpenSSH's canonical spelling.
const (
	ServerAliveInterval = "ServerAliveInterval"
	ServerAliveCountMax = "ServerAliveCountMax"
	ClientAliveInterval = "ClientAliveInterval"
	ClientAliveCountMax = "ClientAliveCountMax"
	TCPKeepAlive        = "TCPKeepAlive"
)

// ValueKind says how OpenSSH reads a keyword's value.
type ValueKind int

const (
	Seconds ValueKind = iota // a time (convtime): 300, 5m
	Count                    // a whole number from 0
	Flag                     // yes or no (ssh also takes true/false)
)

// Keyword is one keyword keepalive reports, writes or both: the one table
// that show, --verify, enable, server and disable read. A new keyword is a
// new entry here.
type Keyword struct {
	Name    string // canonical spelling
	Server  bool   // sshd_config's; else ssh_config's
	Kind    ValueKind
	Default int // OpenSSH's value when nothing sets it (Flag: 1 yes, 0 no)
	// Written: enable or server set it, disable removes it.
	Written bool
}

// Key is the keyword in lower case, as ssh -G and sshd -T print it.
func (k Keyword) Key() string { return strings.ToLower(k.Name) }

// keywords: the defaults are OpenSSH's fill_default_options (readconf.c)
// and fill_default_server_options (servconf.c).
var keywords = []Keyword{
	{Name: ServerAliveInterval, Kind: Seconds, Default: 0, Written: true},
	{Name: ServerAliveCountMax, Kind: Count, Default: 3, Written: true},
	{Name: TCPKeepAlive, Kind: Flag, Default: 1},
	{Name: ClientAliveInterval, Server: true, Kind: Seconds, Default: 0, Written: true},
	{Name: ClientAliveCountMax, Server: true, Kind: Count, Default: 3, Written: true},
	{Name: TCPKeepAlive, Server: true, Kind: Flag, Default: 1},
}

// Keywords are the keywords of one program, in the order show prints them.
func (d Dialect) Keywords() []Keyword {
	var out []Keyword
	for _, k := range keywords {
		if k.Server == d.Server {
			out = append(out, k)
		}
	}
	return out
}

// Written are the keywords enable (client) or server set and disable
// removes, canonical spelling.
func (d Dialect) Written() []string {
	var out []string
	for _, k := range d.Keywords() {
		if k.Written {
			out = append(out, k.Name)
		}
	}
	return out
}

// Dialect says which program reads a file and so which aliases apply.
type Dialect struct {
	// Server is true for sshd_config.
	Server bool
	// DebianSetupTimeOut is true when the client is Debian's before
	// 1:9.9, whose SetupTimeOut meant ServerAliveInterval; since then it
	// means ConnectTimeout.
	DebianSetupTimeOut bool
}

var (
	Client = Dialect{}
	Server = Dialect{Server: true}
)

// Canon returns the lower-case canonical keyword for key, resolving the
// aliases OpenSSH (and Debian's patches) accept.
func (d Dialect) Canon(key string) string {
	k := strings.ToLower(key)
	switch k {
	case "keepalive": // the old name of TCPKeepAlive, both programs
		return "tcpkeepalive"
	}
	if d.Server {
		return k
	}
	switch k {
	case "protocolkeepalives": // Debian/Ubuntu only
		return "serveraliveinterval"
	case "setuptimeout": // Debian/Ubuntu only
		if d.DebianSetupTimeOut {
			return "serveraliveinterval"
		}
		return "connecttimeout"
	}
	return k
}

// AliasSpellings returns, in lower case, every spelling Canon maps to
// another keyword in some Dialect: for a caller that must not miss any
// spelling of a keyword without asking Canon about each line.
func AliasSpellings() []string {
	return []string{"keepalive", "protocolkeepalives", "setuptimeout"}
}

// IsAlias reports whether key is an alias rather than the canonical name.
func (d Dialect) IsAlias(key string) bool {
	k := strings.ToLower(key)
	return d.Canon(k) != k
}

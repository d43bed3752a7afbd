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

// IsAlias reports whether key is an alias rather than the canonical name.
func (d Dialect) IsAlias(key string) bool {
	k := strings.ToLower(key)
	return d.Canon(k) != k
}

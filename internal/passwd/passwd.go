// Package passwd looks up users and groups the way the C library would.
//
// keepalive's release builds are static (CGO_ENABLED=0), and there Go's
// os/user reads only /etc/passwd and /etc/group: an account that comes
// from NSS (LDAP, SSSD, winbind, systemd-homed) is unknown to it. Each
// lookup here asks os/user first and, only when os/user says the user or
// group is unknown, asks NSS through getent (and getent initgroups, or
// id -G, for a user's groups), run from the standard directories, never
// through $PATH, and given ten seconds at most. A user os/user finds is
// exactly what os/user returns. On Windows and macOS, where os/user asks
// the system itself, this is os/user alone.
package passwd

import (
	"errors"
	"os/user"
	"time"
)

// User is an account of the password database.
type User struct {
	user.User
	// nss is where the account was found when os/user did not know it;
	// nil when os/user found it, and then its groups come from os/user too.
	nss *nss
}

// GroupIds lists the ids of the user's groups, the primary one first: from
// os/user for an account os/user found, else from NSS.
func (u *User) GroupIds() ([]string, error) {
	if u.nss == nil {
		return u.User.GroupIds()
	}
	return u.nss.groupIds(u)
}

// Lookup finds a user by name.
func Lookup(name string) (*User, error) { return lookup(name, system()) }

// LookupId finds a user by uid.
func LookupId(uid string) (*User, error) { return lookupId(uid, system()) }

// LookupGroupId finds a group by gid.
func LookupGroupId(gid string) (*user.Group, error) { return lookupGroupId(gid, system()) }

// timeout bounds each program run: a hung NSS backend must not hang
// keepalive.
const timeout = 10 * time.Second

// nss is how the fallback asks NSS: the directories getent and id are
// taken from, in order, and how long each run may take. No directories:
// no fallback.
type nss struct {
	dirs    []string
	timeout time.Duration
}

func lookup(name string, n nss) (*User, error) {
	u, err := user.Lookup(name)
	if err == nil {
		return &User{User: *u}, nil
	}
	var unknown user.UnknownUserError
	if !errors.As(err, &unknown) || len(n.dirs) == 0 {
		return nil, err
	}
	return n.user(name, false, err)
}

func lookupId(uid string, n nss) (*User, error) {
	u, err := user.LookupId(uid)
	if err == nil {
		return &User{User: *u}, nil
	}
	var unknown user.UnknownUserIdError
	if !errors.As(err, &unknown) || len(n.dirs) == 0 {
		return nil, err
	}
	return n.user(uid, true, err)
}

func lookupGroupId(gid string, n nss) (*user.Group, error) {
	g, err := user.LookupGroupId(gid)
	if err == nil {
		return g, nil
	}
	var unknown user.UnknownGroupIdError
	if !errors.As(err, &unknown) || len(n.dirs) == 0 {
		return nil, err
	}
	return n.group(gid, err)
}

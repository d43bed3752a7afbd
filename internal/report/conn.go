package report

import "github.com/keepalive-ssh/keepalive/internal/passwd"

// UserGroups lists the names of a user's groups on this machine, as sshd's
// Match Group sees them (getpwnam, then the groups of the account); none
// when the user does not exist here.
func UserGroups(name string) []string {
	if name == "" {
		return nil
	}
	u, err := passwd.Lookup(name)
	if err != nil {
		return nil
	}
	ids, err := u.GroupIds()
	if err != nil {
		return nil
	}
	var out []string
	for _, id := range ids {
		if g, err := passwd.LookupGroupId(id); err == nil {
			out = append(out, g.Name)
		}
	}
	return out
}

//go:build !windows && !darwin

package passwd

import (
	"errors"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// ldapUser is in no /etc/passwd: only the fake getent knows it.
const ldapUser = "katest-nss"

// fakes writes shell scripts named by the keys of programs into a new
// directory, to be passed as the directory getent and id are taken from.
// Each appends its arguments to the file calls in that directory.
func fakes(t *testing.T, programs map[string]string) (dir string, calls func() string) {
	t.Helper()
	dir = t.TempDir()
	log := filepath.Join(dir, "calls")
	for name, body := range programs {
		script := "#!/bin/sh\necho \"" + name + " $*\" >>'" + log + "'\n" + body + "\n"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir, func() string {
		b, _ := os.ReadFile(log)
		return string(b)
	}
}

func fakeNSS(dir string) nss { return nss{dirs: []string{dir}, timeout: 5 * time.Second} }

// ldapGetent answers as glibc's getent would for an LDAP account: the
// user by name and by uid, its groups, one group by gid.
const ldapGetent = `case "$1 $2" in
"passwd katest-nss"|"passwd 4243") echo 'katest-nss:*:4243:4243:LDAP Test,Room 1:/home/ldap/katest-nss:/bin/bash' ;;
"initgroups katest-nss") echo 'katest-nss            5000 5001 4243' ;;
"group 5000") echo 'ldap-admins:*:5000:katest-nss,bob' ;;
*) exit 2 ;;
esac`

func TestUserFromNSS(t *testing.T) {
	dir, calls := fakes(t, map[string]string{"getent": ldapGetent})
	n := fakeNSS(dir)
	for _, get := range []struct {
		how  string
		find func() (*User, error)
	}{
		{"by name", func() (*User, error) { return lookup(ldapUser, n) }},
		{"by uid", func() (*User, error) { return lookupId("4243", n) }},
	} {
		u, err := get.find()
		if err != nil {
			t.Fatalf("%s: %v", get.how, err)
		}
		if u.Username != ldapUser || u.Uid != "4243" || u.Gid != "4243" || u.HomeDir != "/home/ldap/katest-nss" || u.Name != "LDAP Test" {
			t.Errorf("%s: %+v", get.how, u.User)
		}
		ids, err := u.GroupIds()
		if err != nil {
			t.Fatalf("%s: groups: %v", get.how, err)
		}
		if want := []string{"4243", "5000", "5001"}; !slices.Equal(ids, want) {
			t.Errorf("%s: groups %q, want %q (the primary first, each once)", get.how, ids, want)
		}
	}
	g, err := lookupGroupId("5000", n)
	if err != nil || g.Name != "ldap-admins" || g.Gid != "5000" {
		t.Errorf("group 5000: %+v, %v", g, err)
	}
	want := "getent passwd katest-nss\ngetent initgroups katest-nss\ngetent passwd 4243\ngetent initgroups katest-nss\ngetent group 5000\n"
	if got := calls(); got != want {
		t.Errorf("programs run:\n%s\nwant:\n%s", got, want)
	}
}

// TestGroupsWithoutInitgroups: a getent without the initgroups database
// (musl's) leaves the groups to id -G.
func TestGroupsWithoutInitgroups(t *testing.T) {
	dir, calls := fakes(t, map[string]string{
		"getent": `if [ "$1" = initgroups ]; then echo "Unknown database: initgroups" >&2; exit 1; fi
` + ldapGetent,
		"id": `[ "$*" = "-G katest-nss" ] && echo "4243 6000 4243"`,
	})
	u, err := lookup(ldapUser, fakeNSS(dir))
	if err != nil {
		t.Fatal(err)
	}
	ids, err := u.GroupIds()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"4243", "6000"}; !slices.Equal(ids, want) {
		t.Errorf("groups %q, want %q", ids, want)
	}
	if got, want := calls(), "getent passwd katest-nss\ngetent initgroups katest-nss\nid -G katest-nss\n"; got != want {
		t.Errorf("programs run:\n%s\nwant:\n%s", got, want)
	}
}

// TestMalformedEntry: anything but one well-formed entry of the account
// asked for is an error that names the program and what it printed.
func TestMalformedEntry(t *testing.T) {
	for _, tc := range []struct{ name, out string }{
		{"six fields", "katest-nss:*:4243:4243:gecos:/home/k"},
		{"eight fields", "katest-nss:*:4243:4243:gecos:/home/k:/bin/sh:extra"},
		{"uid not a number", "katest-nss:*:x:4243:gecos:/home/k:/bin/sh"},
		{"negative gid", "katest-nss:*:4243:-1:gecos:/home/k:/bin/sh"},
		{"uid over 32 bits", "katest-nss:*:4294967296:4243:gecos:/home/k:/bin/sh"},
		{"relative home", "katest-nss:*:4243:4243:gecos:home/k:/bin/sh"},
		{"empty home", "katest-nss:*:4243:4243:gecos::/bin/sh"},
		{"two entries", "katest-nss:*:4243:4243::/home/k:/bin/sh\nkatest-nss:*:4243:4243::/home/k:/bin/sh"},
		{"another user", "alice:*:4243:4243::/home/alice:/bin/sh"},
		{"nothing", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, _ := fakes(t, map[string]string{"getent": "printf '%s\\n' '" + tc.out + "'"})
			_, err := lookup(ldapUser, fakeNSS(dir))
			if err == nil {
				t.Fatal("a malformed entry was accepted")
			}
			for _, want := range []string{filepath.Join(dir, "getent") + " passwd katest-nss printed", "check /etc/nsswitch.conf"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
		})
	}
	t.Run("another uid", func(t *testing.T) {
		dir, _ := fakes(t, map[string]string{"getent": "echo 'katest-nss:*:4244:4243::/home/k:/bin/sh'"})
		if _, err := lookupId("4243", fakeNSS(dir)); err == nil || !strings.Contains(err.Error(), "not the entry of 4243") {
			t.Errorf("an entry of another uid: %v", err)
		}
	})
	t.Run("groups", func(t *testing.T) {
		dir, _ := fakes(t, map[string]string{"getent": `[ "$1" = initgroups ] && { echo 'katest-nss 5000 admins'; exit 0; }
` + ldapGetent})
		u, err := lookup(ldapUser, fakeNSS(dir))
		if err != nil {
			t.Fatal(err)
		}
		if ids, err := u.GroupIds(); err == nil || !strings.Contains(err.Error(), "getent initgroups katest-nss printed") {
			t.Errorf("a group id that is not a number: %q, %v", ids, err)
		}
	})
	t.Run("group", func(t *testing.T) {
		dir, _ := fakes(t, map[string]string{"getent": "echo 'ldap-admins:*:5000'"})
		if g, err := lookupGroupId("5000", fakeNSS(dir)); err == nil || !strings.Contains(err.Error(), "getent group 5000 printed") {
			t.Errorf("a group entry of three fields: %+v, %v", g, err)
		}
	})
}

// TestHungNameService: a getent that never answers is given up on.
func TestHungNameService(t *testing.T) {
	dir, _ := fakes(t, map[string]string{"getent": "exec sleep 60"})
	start := time.Now()
	_, err := lookup(ldapUser, nss{dirs: []string{dir}, timeout: 300 * time.Millisecond})
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("the lookup took %v", took)
	}
	if err == nil || !strings.Contains(err.Error(), "getent passwd katest-nss did not answer within 300ms") ||
		!strings.Contains(err.Error(), "check /etc/nsswitch.conf") {
		t.Errorf("error %v, want one saying getent did not answer and what to check", err)
	}
}

// TestNoGetent: without getent the user is unknown, as os/user said, and
// the error says where getent was looked for and what to do.
func TestNoGetent(t *testing.T) {
	dir := t.TempDir()
	_, err := lookup(ldapUser, fakeNSS(dir))
	var unknown user.UnknownUserError
	if !errors.As(err, &unknown) {
		t.Fatalf("error %v (%T), want os/user's unknown user", err, err)
	}
	for _, want := range []string{"unknown user katest-nss", "getent", "is not in " + dir, "install it"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

// TestUnknownToNSS: getent does not know the account either (status 2):
// os/user's error, unchanged.
func TestUnknownToNSS(t *testing.T) {
	dir, _ := fakes(t, map[string]string{"getent": "exit 2"})
	_, err := lookup(ldapUser, fakeNSS(dir))
	if err == nil || err.Error() != "user: unknown user katest-nss" {
		t.Errorf("by name: %v", err)
	}
	_, err = lookupId("4243", fakeNSS(dir))
	if err == nil || err.Error() != "user: unknown userid 4243" {
		t.Errorf("by uid: %v", err)
	}
	_, err = lookupGroupId("4243", fakeNSS(dir))
	if err == nil || err.Error() != "group: unknown groupid 4243" {
		t.Errorf("group: %v", err)
	}
	// A name getent would read as a uid or an option is not passed to it.
	for _, name := range []string{"4243", "-s", ""} {
		if _, err := lookup(name, fakeNSS(dir)); err == nil || strings.Contains(err.Error(), "getent") {
			t.Errorf("name %q: %v", name, err)
		}
	}
}

// TestKnownUserNeverAsksNSS: for root, in /etc/passwd, the answers are
// os/user's and neither getent nor id runs.
func TestKnownUserNeverAsksNSS(t *testing.T) {
	loud := `echo "$0 ran for an account os/user knows" >&2; exit 99`
	dir, calls := fakes(t, map[string]string{"getent": loud, "id": loud})
	n := fakeNSS(dir)
	want, err := user.Lookup("root")
	if err != nil {
		t.Fatal(err)
	}
	wantGroups, err := want.GroupIds()
	if err != nil {
		t.Fatal(err)
	}
	for _, get := range []struct {
		how  string
		find func() (*User, error)
	}{
		{"by name", func() (*User, error) { return lookup("root", n) }},
		{"by uid", func() (*User, error) { return lookupId("0", n) }},
	} {
		u, err := get.find()
		if err != nil {
			t.Fatalf("%s: %v", get.how, err)
		}
		if u.User != *want {
			t.Errorf("%s: %+v, want %+v", get.how, u.User, *want)
		}
		if ids, err := u.GroupIds(); err != nil || !slices.Equal(ids, wantGroups) {
			t.Errorf("%s: groups %q, %v, want %q", get.how, ids, err, wantGroups)
		}
	}
	if g, err := lookupGroupId("0", n); err != nil || g.Name != "root" {
		t.Errorf("group 0: %+v, %v", g, err)
	}
	if self, err := user.Current(); err == nil {
		if u, err := current(n); err != nil || u.User != *self {
			t.Errorf("current: %+v, %v, want %+v", u, err, self)
		}
	}
	if got := calls(); got != "" {
		t.Errorf("programs ran:\n%s", got)
	}
}

// TestRealGetent: the exported functions with this machine's getent: root
// is found (by os/user), a name nobody has is unknown to both.
func TestRealGetent(t *testing.T) {
	testenv.Tool(t, "getent")
	u, err := Lookup("root")
	if err != nil || u.Uid != "0" || u.HomeDir == "" {
		t.Errorf("root: %+v, %v", u, err)
	}
	if ids, err := u.GroupIds(); err != nil || len(ids) == 0 || ids[0] != "0" {
		t.Errorf("root's groups: %q, %v", ids, err)
	}
	const nobody = "katest-no-such-user"
	_, err = Lookup(nobody)
	var unknown user.UnknownUserError
	if !errors.As(err, &unknown) || !strings.Contains(err.Error(), nobody) {
		t.Errorf("%s: %v, want an unknown user error naming them", nobody, err)
	}
	if _, err := LookupId("3999999999"); err == nil || !strings.Contains(err.Error(), "3999999999") {
		t.Errorf("uid 3999999999: %v", err)
	}
}

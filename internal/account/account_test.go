package account

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// TestSudoNote: under sudo, the note says whose ~/.ssh/config is edited,
// with and without --user; outside sudo there is none.
func TestSudoNote(t *testing.T) {
	testenv.Root(t)
	t.Setenv("SUDO_USER", "alice")
	root := Account{Name: "root", Home: "/root"}
	if got, want := SudoNote(root, false, "/root/.ssh/config"),
		"under sudo: editing root's own /root/.ssh/config; --user edits alice's ~/.ssh/config instead (as alice), --system /etc/ssh/ssh_config"; got != want {
		t.Errorf("without --user: %q, want %q", got, want)
	}
	alice := Account{Name: "alice", Home: "/home/alice", Sudo: true}
	if got, want := SudoNote(alice, true, "/home/alice/.ssh/config"),
		"under sudo --user: editing alice's /home/alice/.ssh/config as alice, the user who ran sudo"; got != want {
		t.Errorf("--user: %q, want %q", got, want)
	}
	t.Setenv("SUDO_USER", "")
	if got := SudoNote(root, false, "/root/.ssh/config"); got != "" {
		t.Errorf("outside sudo: %q, want none", got)
	}
}

// TestIsServerConfig: the machine's sshd_config by any spelling, and
// nothing else.
func TestIsServerConfig(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("sshd_config lives under %ProgramData% there")
	}
	if !IsServerConfig("/etc/ssh/../ssh/sshd_config") {
		t.Error("/etc/ssh/../ssh/sshd_config is not the server config")
	}
	other := filepath.Join(t.TempDir(), "sshd_config")
	if err := os.WriteFile(other, []byte("Port 22\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if IsServerConfig(other) {
		t.Errorf("%s is taken for the server config", other)
	}
}

// Package sshdtest starts a throwaway OpenSSH server on 127.0.0.1 for tests
// that need a live session: its own host key, a client key it accepts, a
// random port, and its log captured. Everything lives in the test's temp
// directory and is stopped by t.Cleanup.
package sshdtest

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// Server is a running sshd.
type Server struct {
	Port       int
	Dir        string // scratch directory with keys and config
	Config     string // path of the sshd_config it runs from
	HostKey    string // private host key
	ClientKey  string // private key the server accepts (OpenSSH format)
	User       string // the user to log in as (the test's own)
	KnownHosts string // a known_hosts line file for the server
	cmd        *exec.Cmd
	log        *Buffer
}

// Log returns what sshd has logged so far.
func (s *Server) Log() string { return s.log.String() }

// WaitLog waits until the log contains substr, or the timeout passes.
func (s *Server) WaitLog(substr string, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if strings.Contains(s.Log(), substr) {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return strings.Contains(s.Log(), substr)
}

// Keys makes a host key and a client key in dir and returns their paths.
func Keys(t testing.TB, dir string) (hostKey, clientKey string) {
	t.Helper()
	keygen := testenv.Tool(t, "ssh-keygen")
	hostKey, clientKey = filepath.Join(dir, "host_ed25519"), filepath.Join(dir, "client_ed25519")
	for _, k := range []string{hostKey, clientKey} {
		if out, err := exec.Command(keygen, "-q", "-t", "ed25519", "-N", "", "-C", "keepalive-test", "-f", k).CombinedOutput(); err != nil {
			t.Fatalf("ssh-keygen: %v\n%s", err, out)
		}
	}
	return hostKey, clientKey
}

// BaseConfig is the sshd_config a throwaway server needs, before any
// keep-alive setting: own keys, no PAM, no strict modes, logs to stderr.
func BaseConfig(dir, hostKey string, port int) string {
	return fmt.Sprintf(`Port %d
ListenAddress 127.0.0.1
HostKey %s
PidFile %s
AuthorizedKeysFile %s
UsePAM no
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin yes
LogLevel DEBUG3
`, port, hostKey, filepath.Join(dir, "sshd.pid"), filepath.Join(dir, "authorized_keys"))
}

// Prepare creates the scratch directory, keys, authorized_keys and a base
// config file without starting sshd, so a test can edit the config (with
// keepalive) first. extra is appended to the base config.
func Prepare(t testing.TB, extra string) *Server {
	t.Helper()
	testenv.Root(t)
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	hostKey, clientKey := Keys(t, dir)
	pub, err := os.ReadFile(clientKey + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "authorized_keys"), pub, 0o600); err != nil {
		t.Fatal(err)
	}
	port := FreePort(t)
	s := &Server{Port: port, Dir: dir, HostKey: hostKey, ClientKey: clientKey, Config: filepath.Join(dir, "sshd_config")}
	if err := os.WriteFile(s.Config, []byte(BaseConfig(dir, hostKey, port)+extra), 0o600); err != nil {
		t.Fatal(err)
	}
	hostPub, err := os.ReadFile(hostKey + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	s.KnownHosts = filepath.Join(dir, "known_hosts")
	line := fmt.Sprintf("[127.0.0.1]:%d %s", port, hostPub)
	if err := os.WriteFile(s.KnownHosts, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	s.User = u.Username
	return s
}

// Start runs sshd -D -e from s.Config and waits until it accepts
// connections.
func (s *Server) Start(t testing.TB) {
	t.Helper()
	sshd := testenv.Tool(t, "sshd")
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
		t.Fatal(err)
	}
	s.log = &Buffer{}
	s.cmd = exec.Command(sshd, "-D", "-e", "-f", s.Config)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start sshd: %v", err)
	}
	t.Cleanup(func() {
		s.cmd.Process.Kill()
		s.cmd.Wait()
	})
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", s.Port)); err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("sshd did not listen on port %d:\n%s", s.Port, s.Log())
}

// SSHArgs returns ssh options that connect to the server non-interactively
// with the client key, plus the destination.
func (s *Server) SSHArgs(configFile string) []string {
	return []string{
		"-F", configFile,
		"-p", fmt.Sprint(s.Port),
		"-i", s.ClientKey,
		"-o", "IdentitiesOnly=yes",
		"-o", "BatchMode=yes",
		"-o", "UserKnownHostsFile=" + s.KnownHosts,
		"-o", "StrictHostKeyChecking=yes",
		"-o", "ConnectTimeout=5",
		"-l", s.User,
		"127.0.0.1",
	}
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Buffer is a bytes.Buffer that a process writes while the test reads.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// Pid returns the process id of the listening sshd.
func (s *Server) Pid() int { return s.cmd.Process.Pid }

// Session is a running ssh client connected to the server.
type Session struct {
	Cmd    *exec.Cmd
	stderr *Buffer
}

// Stderr returns what ssh has written to its standard error so far.
func (c *Session) Stderr() string { return c.stderr.String() }

// Connect runs ssh (the binary at sshPath) with client config configFile,
// the remote command "echo ready; sleep 60", and returns once the session
// printed "ready": logged in, with a shell running. The client is resumed
// (if a test froze it) and killed at cleanup.
func (s *Server) Connect(t testing.TB, sshPath, configFile string) *Session {
	t.Helper()
	cmd := exec.Command(sshPath, append(s.SSHArgs(configFile), "echo ready; sleep 60")...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	c := &Session{Cmd: cmd, stderr: &Buffer{}}
	cmd.Stderr = c.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		resume(cmd.Process)
		cmd.Process.Kill()
		cmd.Wait()
	})
	ready := make(chan bool, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		ready <- strings.TrimSpace(line) == "ready"
	}()
	select {
	case ok := <-ready:
		if !ok {
			t.Fatalf("session did not start: %s\nsshd log:\n%s", c.Stderr(), s.Log())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("session did not start in 15s: %s", c.Stderr())
	}
	return c
}

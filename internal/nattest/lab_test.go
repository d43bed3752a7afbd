//go:build linux

package nattest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/keepalive-ssh/keepalive/internal/sshdtest"
	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// Addresses inside the lab. Every lab has namespaces of its own, so labs
// running in parallel reuse them without meeting.
const (
	clientAddr       = "10.200.1.2"
	routerClientAddr = "10.200.1.1"
	routerServerAddr = "10.200.2.1"
	serverAddr       = "10.200.2.2"
	sshHost          = "nat-server" // the Host alias in the client's config
	puttySession     = "natserver"
)

// nsPrefix starts the name of every namespace this package creates; the
// test binary's pid follows, so parallel runs do not collide and a run
// can sweep what a killed earlier run left behind.
const nsPrefix = "kanat-"

// lab is one client-router-server set of namespaces with a running sshd.
type lab struct {
	client, router, server string // namespace names
	timeout                int    // the router's idle timeout, seconds
	dir                    string
	clientKey, hostKey     string
	sshConfig, sshdConfig  string

	mu   sync.Mutex
	sshd *exec.Cmd // the listening sshd
}

// tools returns the paths of the programs a lab needs, skipping (or under
// CI failing) the test when one is missing or the test is not root.
func tools(t *testing.T, names ...string) map[string]string {
	t.Helper()
	testenv.Root(t)
	paths := map[string]string{}
	for _, n := range append([]string{"ip", "iptables", "sysctl", "ssh", "sshd", "ssh-keygen"}, names...) {
		paths[n] = testenv.Tool(t, n)
	}
	return paths
}

var sweepOnce sync.Once

// sweepStale deletes the namespaces of earlier runs of this package that
// died before their clean-up (their pid is gone).
func sweepStale(t *testing.T) {
	out, err := exec.Command("ip", "netns", "list").Output()
	if err != nil {
		return
	}
	stale := regexp.MustCompile(`^` + nsPrefix + `(\d+)-\S+`)
	for _, line := range strings.Split(string(out), "\n") {
		m := stale.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		if _, err := os.Stat("/proc/" + m[1]); err == nil {
			continue // that run is still going, or the pid was reused
		}
		t.Logf("removing namespace %s left by an earlier run", m[0])
		deleteNamespace(m[0])
	}
}

// deleteNamespace kills every process in ns and deletes it; its veth ends
// go with it.
func deleteNamespace(ns string) {
	out, _ := exec.Command("ip", "netns", "pids", ns).Output()
	for _, f := range strings.Fields(string(out)) {
		if pid, err := strconv.Atoi(f); err == nil && pid > 1 {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	exec.Command("ip", "netns", "del", ns).Run()
}

// run runs a command that must succeed.
func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// inNS runs a command in namespace ns that must succeed.
func inNS(t *testing.T, ns string, args ...string) string {
	t.Helper()
	return run(t, "ip", append([]string{"netns", "exec", ns}, args...)...)
}

// newLab builds the namespaces for scenario, with a router that forgets an
// idle flow after timeout seconds, and prepares (does not start) sshd.
func newLab(t *testing.T, scenario string, timeout int) *lab {
	t.Helper()
	sweepOnce.Do(func() { sweepStale(t) })
	base := fmt.Sprintf("%s%d-%s-", nsPrefix, os.Getpid(), scenario)
	l := &lab{client: base + "c", router: base + "r", server: base + "s", timeout: timeout, dir: t.TempDir()}
	os.Chmod(l.dir, 0o755)
	for _, ns := range []string{l.client, l.router, l.server} {
		if out, err := exec.Command("ip", "netns", "add", ns).CombinedOutput(); err != nil {
			testenv.Unavailable(t, "cannot create network namespaces: ip netns add: %v: %s", err, out)
		}
		t.Cleanup(func() { deleteNamespace(ns) })
		run(t, "ip", "-n", ns, "link", "set", "lo", "up")
	}

	// Each veth pair is created with its ends already inside the
	// namespaces, so its names never meet another run's in the host's.
	run(t, "ip", "link", "add", "name", "eth0", "netns", l.client, "type", "veth", "peer", "name", "eth0", "netns", l.router)
	run(t, "ip", "link", "add", "name", "eth1", "netns", l.router, "type", "veth", "peer", "name", "eth0", "netns", l.server)
	for _, a := range []struct{ ns, dev, addr string }{
		{l.client, "eth0", clientAddr}, {l.router, "eth0", routerClientAddr},
		{l.router, "eth1", routerServerAddr}, {l.server, "eth0", serverAddr},
	} {
		run(t, "ip", "-n", a.ns, "addr", "add", a.addr+"/24", "dev", a.dev)
		run(t, "ip", "-n", a.ns, "link", "set", a.dev, "up")
	}
	// The client routes through the router; the server has no route back
	// to the client's network, so only NATed packets reach the client.
	run(t, "ip", "-n", l.client, "route", "add", "default", "via", routerClientAddr)
	l.makeNAT(t)
	l.prepareSSH(t)
	return l
}

// makeNAT turns the router namespace into a NAT that forgets idle flows.
func (l *lab) makeNAT(t *testing.T) {
	t.Helper()
	hostTimeout := sysctlValue(t, "", "net.netfilter.nf_conntrack_tcp_timeout_established")
	inNS(t, l.router, "sysctl", "-qw", "net.ipv4.ip_forward=1")
	inNS(t, l.router, "iptables", "-t", "nat", "-A", "POSTROUTING", "-o", "eth1", "-j", "MASQUERADE")
	// A flow conntrack forgot is INVALID when its next packet comes
	// (nf_conntrack_tcp_loose=0 forbids picking it up mid-stream): drop
	// it, both when forwarded and when it is a reply addressed to the
	// router's masquerading address, so that neither side hears a reset.
	for _, chain := range []string{"FORWARD", "INPUT"} {
		inNS(t, l.router, "iptables", "-A", chain, "-m", "conntrack", "--ctstate", "INVALID", "-j", "DROP")
	}
	// The conntrack sysctls are per network namespace (Linux 4.x and
	// later) and exist once conntrack is loaded, which the rules above
	// normally trigger; a kernel with nf_conntrack as an unloaded module
	// needs modprobe.
	if _, err := os.Stat("/proc/sys/net/netfilter/nf_conntrack_tcp_loose"); err != nil {
		exec.Command("modprobe", "nf_conntrack").Run()
	}
	for _, kv := range []string{
		fmt.Sprintf("net.netfilter.nf_conntrack_tcp_timeout_established=%d", l.timeout),
		"net.netfilter.nf_conntrack_tcp_loose=0",
	} {
		if out, err := exec.Command("ip", "netns", "exec", l.router, "sysctl", "-qw", kv).CombinedOutput(); err != nil {
			testenv.Unavailable(t, "cannot set %s in the router namespace (conntrack missing?): %v: %s", kv, err, out)
		}
	}
	if got := sysctlValue(t, l.router, "net.netfilter.nf_conntrack_tcp_timeout_established"); got != strconv.Itoa(l.timeout) {
		t.Fatalf("router conntrack timeout is %s, want %d", got, l.timeout)
	}
	// On a kernel where the timeout were global, the line above would have
	// changed the host's conntrack table too: refuse to run there.
	if got := sysctlValue(t, "", "net.netfilter.nf_conntrack_tcp_timeout_established"); got != hostTimeout {
		t.Fatalf("setting the router's conntrack timeout changed the host's from %s to %s: this kernel does not keep it per namespace", hostTimeout, got)
	}
}

// sysctlValue reads a sysctl in ns ("" for the host's own namespace).
func sysctlValue(t *testing.T, ns, key string) string {
	t.Helper()
	args := []string{"sysctl", "-n", key}
	if ns != "" {
		args = append([]string{"ip", "netns", "exec", ns}, args...)
	}
	out, err := exec.Command(args[0], args[1:]...).Output()
	if err != nil {
		return "unset"
	}
	return strings.TrimSpace(string(out))
}

// prepareSSH makes the keys and the two configs: sshd's and the client's,
// both without any keep-alive.
func (l *lab) prepareSSH(t *testing.T) {
	t.Helper()
	l.hostKey, l.clientKey = filepath.Join(l.dir, "host_ed25519"), filepath.Join(l.dir, "client_ed25519")
	for _, k := range []string{l.hostKey, l.clientKey} {
		run(t, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "keepalive-nattest", "-f", k)
	}
	pub, err := os.ReadFile(l.clientKey + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	authorized := filepath.Join(l.dir, "authorized_keys")
	write(t, authorized, string(pub))
	l.sshdConfig = filepath.Join(l.dir, "sshd_config")
	write(t, l.sshdConfig, fmt.Sprintf(`# sshd for the keepalive NAT test: keep-alives off.
Port 22
ListenAddress %s
HostKey %s
PidFile %s
AuthorizedKeysFile %s
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
TCPKeepAlive no
ClientAliveInterval 0
LogLevel VERBOSE
`, serverAddr, l.hostKey, filepath.Join(l.dir, "sshd.pid"), authorized))
	l.sshConfig = filepath.Join(l.dir, "ssh_config")
	write(t, l.sshConfig, fmt.Sprintf(`# ssh for the keepalive NAT test: keep-alives off.
Host %s
    HostName %s
    User root
    IdentityFile %s
    IdentitiesOnly yes
    IdentityAgent none
    StrictHostKeyChecking no
    UserKnownHostsFile /dev/null
    GlobalKnownHostsFile /dev/null
    BatchMode yes
    ConnectTimeout 5
    TCPKeepAlive no
    LogLevel ERROR

# Keep-alives off, and stated: Debian's ssh turns them on every 300 s
# under BatchMode unless ServerAliveInterval is set.
Host *
    ServerAliveInterval 0
`, sshHost, serverAddr, l.clientKey))
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
		t.Fatal(err)
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// startSSHD runs sshd in the server namespace from l.sshdConfig, with extra
// arguments, and waits until it listens.
func (l *lab) startSSHD(t *testing.T, extra ...string) {
	t.Helper()
	args := append([]string{"netns", "exec", l.server, testenv.Tool(t, "sshd"), "-D", "-e", "-f", l.sshdConfig}, extra...)
	cmd := exec.Command("ip", args...)
	// A file, not a pipe: the sessions sshd forks inherit its stderr and
	// may hang behind the NAT long after it stopped; Wait would wait for
	// them to close a pipe.
	log, err := os.OpenFile(filepath.Join(l.dir, "sshd.log"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start sshd: %v", err)
	}
	l.mu.Lock()
	l.sshd = cmd
	l.mu.Unlock()
	t.Cleanup(func() { l.stopSSHD(cmd) })
	listening := fmt.Sprintf("Server listening on %s port 22", serverAddr)
	before := strings.Count(l.sshdLog(), listening)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if strings.Count(l.sshdLog(), listening) > before {
			return
		}
	}
	t.Fatalf("sshd did not start listening in 10s:\n%s", l.sshdLog())
}

// sshdLog returns what the lab's sshd processes logged so far.
func (l *lab) sshdLog() string {
	b, _ := os.ReadFile(filepath.Join(l.dir, "sshd.log"))
	return string(b)
}

// stopSSHD stops the listening sshd; the sessions it forked live on until
// the namespace goes.
func (l *lab) stopSSHD(cmd *exec.Cmd) {
	if cmd.ProcessState != nil {
		return
	}
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		<-done
	}
}

// restartSSHD stops the running sshd and starts it again from its config,
// as a change to sshd_config needs.
func (l *lab) restartSSHD(t *testing.T) {
	t.Helper()
	l.mu.Lock()
	cmd := l.sshd
	l.mu.Unlock()
	l.stopSSHD(cmd)
	l.startSSHD(t)
}

// session is the outcome of an idle session run in the client namespace.
type session struct {
	out     string
	ready   bool // it logged in and ran the command
	alive   bool // the reply after the idle time came back
	elapsed time.Duration
}

// idleCommand is the remote command of every session: ready at once, then
// nine idle seconds (well over the router's timeout), then alive.
const idleCommand = "echo ready; sleep 9; echo alive"

// sessionLimit is how long a session may take: long enough for "alive" to
// come back after nine idle seconds on a kept connection, after which a
// session is surely hung behind the NAT and is killed.
const sessionLimit = 16 * time.Second

// runIdle runs argv in the client namespace with env added, for at most
// limit, and reports what came back.
func (l *lab) runIdle(t *testing.T, env []string, limit time.Duration, argv ...string) session {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	res := runInNS(ctx, l.client, env, argv...)
	s := session{out: res.out + res.stderr, elapsed: res.elapsed}
	for _, line := range strings.Split(res.out, "\n") {
		switch strings.TrimSpace(line) {
		case "ready":
			s.ready = true
		case "alive":
			s.alive = true
		}
	}
	t.Logf("%s: %s after %v (%v)", argv[0], map[bool]string{true: "alive", false: "no reply"}[s.alive], s.elapsed.Round(100*time.Millisecond), res.err)
	return s
}

type result struct {
	out     string // stdout
	stderr  string
	err     error
	elapsed time.Duration
}

// runInNS runs argv in namespace ns in a process group of its own, killed
// with everything it started when ctx ends.
func runInNS(ctx context.Context, ns string, env []string, argv ...string) result {
	cmd := exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", ns}, argv...)...)
	cmd.Env = environ(env)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 2 * time.Second
	var out, stderr sshdtest.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	start := time.Now()
	err := cmd.Run()
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		err = fmt.Errorf("killed after %v: %w", time.Since(start).Round(time.Second), err)
	}
	return result{out: out.String(), stderr: stderr.String(), err: err, elapsed: time.Since(start)}
}

// diagnostics is what a failing scenario logs: the router's conntrack
// table and sshd's log.
func (l *lab) diagnostics(t *testing.T) {
	t.Helper()
	ct, _ := exec.Command("ip", "netns", "exec", l.router, "conntrack", "-L").CombinedOutput()
	t.Logf("router conntrack table:\n%s", ct)
	t.Logf("sshd log:\n%s", l.sshdLog())
}

// keepalive runs the keepalive binary in the host namespace (it only edits
// files) and fails the test unless it succeeds.
func keepalive(t *testing.T, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(keepaliveBin, args...)
	cmd.Env = environ(env)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("keepalive %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// environ returns the test's environment changed by env: "KEY=VALUE" sets
// KEY, a bare "KEY" removes it.
func environ(env []string) []string {
	out := os.Environ()
	for _, e := range env {
		key, _, set := strings.Cut(e, "=")
		out = slices.DeleteFunc(out, func(kv string) bool { return strings.HasPrefix(kv, key+"=") })
		if set {
			out = append(out, e)
		}
	}
	return out
}

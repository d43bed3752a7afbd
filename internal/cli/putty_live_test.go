package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keepalive-ssh/keepalive/internal/putty"
	"github.com/keepalive-ssh/keepalive/internal/sshdtest"
	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// puttyIgnoreLogLine is what sshd logs at DEBUG3 for each SSH2_MSG_IGNORE, which
// is what PuTTY sends as a keep-alive (ssh2transport, SS_PING).
const puttyIgnoreLogLine = "Received SSH2_MSG_IGNORE"

// puttyLiveSession is a saved session as PuTTY 0.78 writes it, trimmed, with
// settings of every kind and the legacy PingInterval in minutes, pointing
// at the throwaway sshd.
func puttyLiveSession(port int, user, ppk string) string {
	return fmt.Sprintf(`Present=1
HostName=127.0.0.1
LogFileName=putty &H.log
LogType=0
LogFileClash=-1
Protocol=ssh
PortNumber=%d
CloseOnExit=1
WarnOnClose=1
PingInterval=1
PingIntervalSecs=0
TCPNoDelay=1
TCPKeepalives=0
TerminalType=xterm
TerminalSpeed=38400,38400
TerminalModes=CS7=A,CS8=A,DISCARD=A,DSUSP=A,ECHO=A,ECHOCTL=A,IUTF8=A,
AddressFamily=0
ProxyExcludeList=
ProxyMethod=0
ProxyHost=proxy
ProxyPort=80
ProxyTelnetCommand=connect %%host %%port\n
Environment=
UserName=%s
UserNameFromEnvironment=0
NoPTY=0
Compression=0
TryAgent=0
AgentFwd=0
Cipher=aes,chacha20,aesgcm,3des,WARN,des,blowfish,arcfour
KEX=ecdh,dh-gex-sha1,dh-group14-sha1,rsa,WARN,dh-group1-sha1
HostKey=ed25519,ecdsa,rsa,dsa,WARN
RekeyTime=60
RekeyBytes=1G
AuthKI=0
AuthGSSAPI=0
PublicKeyFile=%s
RemoteCommand=
WinTitle=Müller's test ☃
FontName=client:Monospace 12
Colour0=187,187,187
X-Unknown-Key=kept as it is
this line is not a setting
LineCodePage=UTF-8
`, port, user, ppk)
}

// TestPuttyLive is the end-to-end check of issue 5: PuTTY sessions under a
// scratch home, `keepalive putty --interval 1`, then the real plink loads a
// session by name and connects to a real sshd at LogLevel DEBUG3, which must
// receive PuTTY's SSH2_MSG_IGNORE keep-alives about every second; every
// other line of every session file stays byte for byte. Before the edit,
// the same session (legacy PingInterval=1: 60 s) sends none, which shows
// the keep-alives come from the edit.
func TestPuttyLive(t *testing.T) {
	testenv.Root(t)
	plink := testenv.Tool(t, "plink")
	puttygen := testenv.Tool(t, "puttygen")
	keygen := testenv.Tool(t, "ssh-keygen")

	srv := sshdtest.Prepare(t, "")
	srv.Start(t)
	ppk := filepath.Join(srv.Dir, "client.ppk")
	if out, err := exec.Command(puttygen, srv.ClientKey, "-O", "private", "-o", ppk).CombinedOutput(); err != nil {
		t.Fatalf("puttygen: %v\n%s", err, out)
	}
	fp, err := exec.Command(keygen, "-l", "-E", "sha256", "-f", srv.HostKey+".pub").Output()
	if err != nil || len(strings.Fields(string(fp))) < 2 {
		t.Fatalf("host key fingerprint: %v %q", err, fp)
	}
	hostKey := strings.Fields(string(fp))[1] // SHA256:...

	home, dir := puttyHome(t, true)
	session := puttyLiveSession(srv.Port, srv.User, ppk)
	files := map[string]string{
		"my session": session,
		// A copy that came from Windows: CRLF, and no keep-alive lines.
		"crlf copy": strings.ReplaceAll(strings.NewReplacer("PingInterval=1\n", "", "PingIntervalSecs=0\n", "").Replace(session), "\n", "\r\n"),
		// Odd names and contents that must survive too.
		"100% odd/name": "HostName=odd.invalid\nPingIntervalSecs=30",
	}
	for name, content := range files {
		puttyPut(t, dir, name, content)
	}

	plinkRun := func(name string, sleep int) (count int, gaps []time.Duration) {
		t.Helper()
		return puttyRunPlink(t, srv, plink, home, name, hostKey, sleep)
	}
	if n, _ := plinkRun("my session", 3); n != 0 {
		t.Fatalf("before keepalive: sshd received %d keep-alives in 3 s from a session set to 60 s; the test cannot tell them apart", n)
	}

	code, out, errs := puttyRunCLI(t, "putty", "--interval", "1")
	if code != 0 {
		t.Fatalf("keepalive putty --interval 1: exit %d\n%s%s", code, out, errs)
	}
	t.Logf("keepalive putty --interval 1:\n%s", out)

	for name, before := range files {
		p := filepath.Join(dir, putty.EscapeFileName(name))
		after := puttyState(t, p).data
		if got, want := puttyWithoutKeepAlive(after), puttyWithoutKeepAlive(before); got != want {
			t.Errorf("%s: lines other than the keep-alive changed:\n got %q\nwant %q", p, got, want)
		}
		eol := "\n"
		if strings.Contains(before, "\r\n") {
			eol = "\r\n"
		}
		for _, want := range []string{"PingInterval=0" + eol, "PingIntervalSecs=1" + eol} {
			if !strings.Contains(after, want) {
				t.Errorf("%s lacks %q:\n%s", p, want, after)
			}
		}
	}
	if got := puttyState(t, filepath.Join(dir, "Default%20Settings")).data; got != "PingInterval=0\nPingIntervalSecs=1\nKeepaliveWas=-,-,1\n" {
		t.Errorf("Default Settings: %q", got)
	}

	for _, name := range []string{"my session", "crlf copy"} {
		n, gaps := plinkRun(name, 4)
		t.Logf("%s: %d keep-alives, gaps %v", name, n, gaps)
		// About every second: at least two gaps of about 1 s. (PuTTY may
		// send one more as the session closes, off the beat.)
		periodic := 0
		for _, g := range gaps {
			if g >= 700*time.Millisecond && g <= 1500*time.Millisecond {
				periodic++
			}
		}
		if n < 3 || periodic < 2 {
			t.Errorf("%s: sshd received %d keep-alives in 4 s, %v apart; want at least 3, about 1 s apart\nsshd log:\n%s", name, n, gaps, srv.Log())
		}
	}
}

// puttyRunPlink connects with a saved session, runs `sleep N; echo alive`, and
// returns how many keep-alives sshd logged meanwhile and the gaps between
// them, timed by watching the log.
func puttyRunPlink(t *testing.T, srv *sshdtest.Server, plink, home, session, hostKey string, sleep int) (int, []time.Duration) {
	t.Helper()
	start := len(srv.Log())
	var (
		mu    sync.Mutex
		times []time.Time
		stop  = make(chan struct{})
		done  = make(chan struct{})
	)
	go func() {
		defer close(done)
		seen := 0
		for {
			n := strings.Count(srv.Log()[start:], puttyIgnoreLogLine)
			mu.Lock()
			for ; seen < n; seen++ {
				times = append(times, time.Now())
			}
			mu.Unlock()
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(sleep+20)*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, plink, "-batch", "-load", session, "-hostkey", hostKey, fmt.Sprintf("sleep %d; echo alive", sleep))
	// A clean environment: the scratch home, no agent, no PuTTY variables.
	cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "LANG=C.UTF-8"}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	time.Sleep(100 * time.Millisecond) // let the last log lines in
	close(stop)
	<-done
	if err != nil || !strings.Contains(stdout.String(), "alive") {
		t.Fatalf("plink -load %q: %v\nstdout: %s\nstderr: %s\nsshd log:\n%s", session, err, stdout.String(), stderr.String(), srv.Log()[start:])
	}
	mu.Lock()
	defer mu.Unlock()
	var gaps []time.Duration
	for i := 1; i < len(times); i++ {
		gaps = append(gaps, times[i].Sub(times[i-1]).Round(10*time.Millisecond))
	}
	return len(times), gaps
}

// puttyWithoutKeepAlive drops the PingInterval and PingIntervalSecs lines, which
// are the only ones keepalive may change, and ends an unterminated last line
// as appending to it must.
func puttyWithoutKeepAlive(s string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(s, "\n") {
		if l == "" || strings.HasPrefix(l, "PingInterval=") || strings.HasPrefix(l, "PingIntervalSecs=") || strings.HasPrefix(l, "KeepaliveWas=") {
			continue
		}
		if !strings.HasSuffix(l, "\n") {
			l += "\n"
		}
		b.WriteString(l)
	}
	return b.String()
}

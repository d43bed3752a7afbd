package probe

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The remote command prints startMarker when it begins to idle and
// doneMarker (with the idle length) when it ends: the first starts the
// session's clock, the second proves the path kept the connection.
const (
	startMarker = "keepalive-probe-start"
	donePrefix  = "keepalive-probe-done-"
)

// remoteCommand is what each session runs on the server: sh -c with a
// single-quoted script, which any login shell a Unix server is likely to
// have (sh, bash, zsh, csh, fish) passes on unchanged.
//
// Without a terminal sshd sends no SIGHUP when the connection ends, so a
// plain sleep would outlive the probe. The script therefore ends with its
// standard input: cat reads it until the connection closes (or the local
// ssh's stdin, which the probe holds open, closes), and then kill 0 ends
// the session's whole process group, sleep included. sshd starts each
// session in a process group of its own (setsid), so nothing else is hit.
// The idle part runs in the background, and after the done marker ends
// the group too.
func remoteCommand(idle time.Duration) string {
	secs := strconv.FormatFloat(idle.Seconds(), 'f', -1, 64)
	return fmt.Sprintf("sh -c 'echo %s; (sleep %s; echo %s%s; kill 0) & cat >/dev/null; kill 0'",
		startMarker, secs, donePrefix, secs)
}

// sshProc is one running ssh. Its output is read by two goroutines that
// only close channels, so nothing blocks when the probe stops listening.
type sshProc struct {
	cmd     *exec.Cmd
	in      *os.File // write end of ssh's stdin: closing it ends the remote side
	out     *os.File // read ends of ssh's stdout and stderr
	err     *os.File
	started chan struct{} // the remote side printed startMarker
	done    chan struct{} // the remote side printed the done marker
	outEOF  chan struct{} // stdout closed: ssh and everything it started are gone
	errEOF  chan struct{}
	exited  chan struct{} // ssh itself exited; exitCode is set
	code    int

	keepalives atomic.Bool // the server sent a keep-alive

	mu   sync.Mutex
	tail []string // ssh's last few messages, for an error report
}

// startSSH starts ssh with args and the remote command for idle.
func startSSH(path string, args []string, idle time.Duration) (*sshProc, error) {
	outR, outW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		outR.Close()
		outW.Close()
		return nil, err
	}
	// ssh's stdin is a pipe nothing is written to: the remote command ends
	// when it closes, which is when close() closes it or this process
	// dies, however it dies.
	inR, inW, err := os.Pipe()
	if err != nil {
		outR.Close()
		outW.Close()
		errR.Close()
		errW.Close()
		return nil, err
	}
	// A fresh slice: sessions share args and start concurrently.
	cmd := exec.Command(path, slices.Concat(args, []string{remoteCommand(idle)})...)
	// Files, not io.Writers: exec then copies nothing, and Wait does not
	// wait on a pipe a left-over child may hold.
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, outW, errW
	setProcessGroup(cmd)
	err = cmd.Start()
	inR.Close()
	outW.Close()
	errW.Close()
	if err != nil {
		inW.Close()
		outR.Close()
		errR.Close()
		return nil, err
	}
	p := &sshProc{
		cmd:     cmd,
		in:      inW,
		out:     outR,
		err:     errR,
		started: make(chan struct{}),
		done:    make(chan struct{}),
		outEOF:  make(chan struct{}),
		errEOF:  make(chan struct{}),
		exited:  make(chan struct{}),
	}
	go p.readStdout(donePrefix + strconv.FormatFloat(idle.Seconds(), 'f', -1, 64))
	go p.readStderr()
	go func() {
		err := cmd.Wait()
		p.code = cmd.ProcessState.ExitCode()
		if err != nil && p.code == 0 {
			p.code = -1
		}
		close(p.exited)
	}()
	return p, nil
}

func (p *sshProc) readStdout(doneLine string) {
	defer close(p.outEOF)
	sc := bufio.NewScanner(p.out)
	var started, done bool
	for sc.Scan() {
		switch strings.TrimRight(sc.Text(), "\r") {
		case startMarker:
			if !started {
				started = true
				close(p.started)
			}
		case doneLine:
			if started && !done {
				done = true
				close(p.done)
			}
		}
	}
	// A line longer than the scanner's buffer (a banner gone wild) ends
	// the scan early; drain the rest so ssh never blocks on a full pipe.
	io.Copy(io.Discard, p.out)
}

// readStderr watches ssh's -v log for keep-alives from the server and keeps
// the last messages that are not debug chatter.
func (p *sshProc) readStderr() {
	defer close(p.errEOF)
	sc := bufio.NewScanner(p.err)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		// "client_input_global_request: rtype keepalive@openssh.com" or,
		// with a channel open, "client_input_channel_req: channel 0 rtype
		// keepalive@openssh.com": the server's ClientAliveInterval at work.
		if strings.Contains(line, "rtype keepalive@openssh.com") {
			p.keepalives.Store(true)
		}
		if isChatter(line) {
			continue
		}
		p.mu.Lock()
		p.tail = append(p.tail, line)
		if len(p.tail) > 3 {
			p.tail = p.tail[1:]
		}
		p.mu.Unlock()
	}
	io.Copy(io.Discard, p.err)
}

// isChatter reports lines of ssh -v output that say nothing about an error.
func isChatter(line string) bool {
	for _, prefix := range []string{"debug1:", "debug2:", "debug3:", "OpenSSH_", "Transferred:", "Bytes per second:", "Warning: Permanently added"} {
		if strings.HasPrefix(line, prefix) {
			return true
		}
	}
	return strings.TrimSpace(line) == ""
}

// message returns ssh's last words, for a failed session's detail.
func (p *sshProc) message() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.tail, "; ")
}

// stopGrace is how long ssh gets to leave after SIGTERM before SIGKILL.
const stopGrace = 2 * time.Second

// close ends ssh and everything in its process group, and waits until its
// output is closed. It is safe to call on an ssh that already exited, and
// it returns within a few stopGrace periods whatever ssh's children do.
func (p *sshProc) close() {
	// First the remote side: with its stdin closed it ends by itself, even
	// if ssh is then killed before it could say goodbye.
	p.in.Close()
	select {
	case <-p.exited:
	default:
		signalGroup(p.cmd, false)
		if !within(p.exited, stopGrace) {
			signalGroup(p.cmd, true)
			<-p.exited
		}
	}
	// ssh is gone; a child of it (a ProxyCommand that ignores SIGTERM)
	// may not be, so the group gets SIGKILL: its id cannot have been
	// reused while any member lives. A child that left the group is
	// beyond reach: stop reading from it.
	signalGroup(p.cmd, true)
	for _, f := range []struct {
		eof  chan struct{}
		file *os.File
	}{{p.outEOF, p.out}, {p.errEOF, p.err}} {
		if !within(f.eof, stopGrace) {
			f.file.Close()
			<-f.eof
		}
		f.file.Close()
	}
}

// within reports whether ch is closed within d.
func within(ch <-chan struct{}, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ch:
		return true
	case <-t.C:
		return false
	}
}

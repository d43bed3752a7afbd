package probe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Options say what to probe and how.
type Options struct {
	Host string
	// SSH is the ssh program; "" means "ssh" from PATH.
	SSH string
	// SSHArgs go to ssh before the host, after the options the probe
	// forces: the user's -F, -p, -i, -J and the like.
	SSHArgs []string
	// Max is the longest idle to try; the probe takes about that long
	// unless a shorter idle drops first.
	Max time.Duration
	// Steps overrides Plan(Max); tests use sub-second steps with a fake ssh.
	Steps []time.Duration
	// Grace overrides the package's Grace.
	Grace func(idle time.Duration) time.Duration
	// StartTimeout bounds connecting and logging in; 0 means 45 s.
	StartTimeout time.Duration
	// Progress receives progress as the probe waits: a one-line bar when
	// ProgressTTY, plain lines otherwise; nil for none.
	Progress    io.Writer
	ProgressTTY bool
}

// maxConnecting is how many sessions may be connecting at once. sshd drops
// unauthenticated connections at random beyond MaxStartups (10 by default),
// so the probe opens its sessions a few at a time.
const maxConnecting = 4

// forcedOptions turn off everything in the user's config that would keep
// a session from being idle, or share one TCP connection between sessions.
var forcedOptions = []string{
	"-o", "ServerAliveInterval=0",
	"-o", "TCPKeepAlive=no",
	"-o", "BatchMode=yes",
	"-o", "ControlMaster=no",
	"-o", "ControlPath=none",
	"-o", "ClearAllForwardings=yes",
	"-o", "ForwardAgent=no",
	"-o", "ForwardX11=no",
	"-o", "PermitLocalCommand=no",
}

// sshArgs builds ssh's command line. -v makes ssh log the keep-alives the
// server sends; -T asks for no terminal, so the session is just the
// command. The user's arguments follow the forced options (for each option
// the first value wins) and precede ConnectTimeout, which they may override.
func (o *Options) sshArgs() []string {
	args := append([]string{"-v", "-T"}, forcedOptions...)
	args = append(args, o.SSHArgs...)
	return append(args, "-o", "ConnectTimeout=20", o.Host)
}

// LoginCommand is the command that checks that ssh logs in to the host as
// the probe needs it, without a prompt: the same program, options and
// user's arguments (after --) as each probe session, with "true" as the
// remote command. Hints repeat it.
func (o *Options) LoginCommand() string {
	ssh := o.SSH
	if ssh == "" {
		ssh = "ssh"
	}
	words := []string{ssh, "-o", "BatchMode=yes"}
	words = append(words, o.SSHArgs...)
	words = append(words, "-o", "ConnectTimeout=20", o.Host, "true")
	for i, w := range words {
		words[i] = shellQuote(w)
	}
	return strings.Join(words, " ")
}

// event is what a session goroutine tells the probe.
type event struct {
	i       int
	started bool    // the session began idling
	final   Session // when !started: how it ended
}

// ErrNoSession is returned (wrapped) when no session ever logged in.
var ErrNoSession = errors.New("no probe session could log in")

// Run probes opts.Host and returns what it found. Cancelling ctx (Ctrl-C)
// closes every session and returns the partial result with Interrupted
// set. Run returns only after every ssh it started has exited.
func Run(ctx context.Context, opts Options) (*Result, error) {
	steps := opts.Steps
	if steps == nil {
		steps = Plan(opts.Max)
	}
	grace := opts.Grace
	if grace == nil {
		grace = Grace
	}
	startTimeout := opts.StartTimeout
	if startTimeout == 0 {
		startTimeout = 45 * time.Second
	}
	ssh := opts.SSH
	if ssh == "" {
		ssh = "ssh"
	}
	longest := steps[len(steps)-1]
	res := &Result{Host: opts.Host, Max: longest, Sessions: make([]Session, len(steps))}
	for i, idle := range steps {
		res.Sessions[i] = Session{Idle: idle}
	}

	prog := newProgress(opts.Progress, opts.ProgressTTY, res, longest+grace(longest))
	begin := time.Now()
	prog.begin(begin)
	defer prog.end()

	stop := make(chan struct{})
	var stopReason string
	stopAll := func(reason string) {
		select {
		case <-stop:
		default:
			stopReason = reason
			close(stop)
		}
	}
	events := make(chan event)
	slots := make(chan struct{}, maxConnecting)
	args := opts.sshArgs()

	// Sessions are opened shortest first, a few at a time: the short ones
	// answer first and may settle the question early.
	go func() {
		for i := range steps {
			select {
			case slots <- struct{}{}:
			case <-stop:
				// Never opened: report it so the loop below can count.
				for ; i < len(steps); i++ {
					events <- event{i: i, final: Session{Idle: steps[i], Outcome: Skipped}}
				}
				return
			}
			go runSession(ssh, args, steps[i], i, grace(steps[i]), startTimeout, slots, stop, events)
		}
	}()

	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	ctxDone := ctx.Done()
	loggedIn, failed := 0, 0
	for pending := len(steps); pending > 0; {
		select {
		case ev := <-events:
			if ev.started {
				loggedIn++
				prog.started(ev.i)
				continue
			}
			pending--
			s := ev.final
			if s.Outcome == Skipped && s.Detail == "" {
				s.Detail = stopReason
			}
			res.Sessions[ev.i] = s
			if s.Outcome == Failed {
				failed++
			}
			prog.finished(ev.i)
			switch {
			case loggedIn == 0 && failed >= min(2, len(steps)):
				stopAll("ssh could not log in")
			case settled(res):
				_, dropped := res.Bounds()
				stopAll(fmt.Sprintf("not needed: the %s idle already dropped", Format(dropped)))
			}
		case <-tick.C:
			prog.tick()
		case <-ctxDone:
			ctxDone = nil
			res.Interrupted = true
			stopAll("interrupted")
		}
	}
	res.Elapsed = time.Since(begin)
	if loggedIn == 0 {
		for _, s := range res.Sessions {
			if s.Outcome == Failed {
				return res, fmt.Errorf("%w to %s: %s", ErrNoSession, opts.Host, s.Detail)
			}
		}
	}
	return res, nil
}

// settled reports whether the answer is known: some idle dropped and every
// shorter one has come back or dropped. Longer sessions would only drop
// too, so the probe closes them instead of waiting.
func settled(r *Result) bool {
	_, dropped := r.Bounds()
	if dropped == 0 {
		return false
	}
	for _, s := range r.Sessions {
		if s.Idle < dropped && s.Outcome == Waiting {
			return false
		}
	}
	return true
}

// runSession opens one ssh session idle for idle, holds a connecting slot
// until it logs in, and reports once when it starts idling and once when
// it ends.
func runSession(ssh string, args []string, idle time.Duration, i int, grace, startTimeout time.Duration,
	slots <-chan struct{}, stop <-chan struct{}, events chan<- event) {
	s := Session{Idle: idle}
	release := func() {
		if slots != nil {
			<-slots
			slots = nil
		}
	}
	defer release()

	p, err := startSSH(ssh, args, idle)
	if err != nil {
		s.Outcome, s.Detail = Failed, err.Error()
		release()
		events <- event{i: i, final: s}
		return
	}
	s.Outcome, s.Detail = sessionOutcome(p, idle, grace, startTimeout, stop, func() {
		release()
		events <- event{i: i, started: true}
	})
	p.close()
	s.ServerKeepalives = p.keepalives.Load()
	if s.Outcome == Failed && s.Detail == "" {
		s.Detail = failure(p)
	}
	events <- event{i: i, final: s}
}

// sessionOutcome waits for one session to come back, drop, fail or be
// stopped. onStart runs when the remote side starts idling.
func sessionOutcome(p *sshProc, idle, grace, startTimeout time.Duration, stop <-chan struct{}, onStart func()) (Outcome, string) {
	startLimit := time.NewTimer(startTimeout)
	defer startLimit.Stop()
	select {
	case <-p.started:
	case <-p.outEOF:
		// ssh may print the start marker and exit at once (a failed
		// sleep); the marker counts.
		select {
		case <-p.started:
		default:
			return Failed, ""
		}
	case <-startLimit.C:
		return Failed, fmt.Sprintf("no login within %s", Format(startTimeout))
	case <-stop:
		return Skipped, ""
	}
	onStart()
	deadline := time.NewTimer(idle + grace)
	defer deadline.Stop()
	select {
	case <-p.done:
		return Survived, ""
	case <-p.outEOF:
		select {
		case <-p.done:
			return Survived, ""
		default:
		}
		<-p.exited
		within(p.errEOF, time.Second) // for p.message
		if p.code == 255 {
			// ssh's own error: the connection broke while idle, as
			// when a firewall answers a forgotten flow with a reset.
			return Dropped, "connection closed while idle: " + p.message()
		}
		return Failed, fmt.Sprintf("the remote command ended early (exit status %d)", p.code)
	case <-deadline.C:
		return Dropped, fmt.Sprintf("no reply %s after it was due", Format(grace))
	case <-stop:
		return Skipped, ""
	}
}

// failure describes why ssh never started the remote command.
func failure(p *sshProc) string {
	<-p.exited
	msg := p.message()
	if msg == "" {
		msg = "no message from ssh"
	}
	return fmt.Sprintf("ssh exited with status %d: %s", p.code, msg)
}

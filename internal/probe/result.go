package probe

import (
	"fmt"
	"strings"
	"time"
)

// Outcome is what became of one idle session.
type Outcome int

const (
	Waiting  Outcome = iota // still open
	Survived                // the reply came back after the idle time
	Dropped                 // no reply by its deadline, or the connection died while idle
	Failed                  // ssh never got to the idle part, or the remote command broke
	Skipped                 // closed before it could tell: a shorter idle already dropped, or Ctrl-C
)

func (o Outcome) String() string {
	switch o {
	case Survived:
		return "survived"
	case Dropped:
		return "dropped"
	case Failed:
		return "failed"
	case Skipped:
		return "skipped"
	}
	return "waiting"
}

// Session is one idle ssh session of the probe.
type Session struct {
	Idle    time.Duration
	Outcome Outcome
	// Detail says why a session dropped, failed or was skipped.
	Detail string
	// ServerKeepalives is set when the server sent keep-alives into this
	// session, so it was never really idle.
	ServerKeepalives bool
}

// Result is what a probe found. Sessions are in the order of Idle.
type Result struct {
	Host        string
	Max         time.Duration
	Elapsed     time.Duration
	Interrupted bool
	Sessions    []Session
}

// Bounds returns the longest idle that came back below the shortest one
// that dropped, and that shortest dropped idle (0 when none dropped). The
// path's idle timeout lies between the two. A session into which the server
// sent keep-alives was not idle: its coming back proves nothing.
func (r *Result) Bounds() (survived, dropped time.Duration) {
	for _, s := range r.Sessions {
		if s.Outcome == Dropped && (dropped == 0 || s.Idle < dropped) {
			dropped = s.Idle
		}
	}
	for _, s := range r.Sessions {
		if s.Outcome == Survived && !s.ServerKeepalives && s.Idle > survived && (dropped == 0 || s.Idle < dropped) {
			survived = s.Idle
		}
	}
	return survived, dropped
}

// TimeoutFound reports whether some idle session dropped.
func (r *Result) TimeoutFound() bool {
	_, dropped := r.Bounds()
	return dropped > 0
}

// Recommended returns the keep-alive interval to use in seconds, or 0 when
// the probe measured no timeout (no truly idle session dropped): it
// recommends nothing it did not measure.
func (r *Result) Recommended() int {
	survived, dropped := r.Bounds()
	if dropped == 0 {
		return 0
	}
	return Recommend(survived)
}

// Complete reports whether every planned session came back truly idle:
// the path kept an idle connection for the whole --max.
func (r *Result) Complete() bool {
	for _, s := range r.Sessions {
		if s.Outcome != Survived || s.ServerKeepalives {
			return false
		}
	}
	return len(r.Sessions) > 0
}

// WarmFrom returns the shortest idle into which the server sent
// keep-alives, or 0 when it sent none.
func (r *Result) WarmFrom() time.Duration {
	for _, s := range r.Sessions { // in order of Idle
		if s.ServerKeepalives {
			return s.Idle
		}
	}
	return 0
}

// ServerKeepalives reports whether the server sent keep-alives into any
// session.
func (r *Result) ServerKeepalives() bool { return r.WarmFrom() > 0 }

// Command returns the keepalive command that applies the recommendation, or
// "" when there is none.
func (r *Result) Command() string {
	n := r.Recommended()
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("keepalive enable --host %s --interval %d", shellQuote(hostPattern(r.Host)), n)
}

// Notes are the caveats a reader of the result should know about.
func (r *Result) Notes() []string {
	var notes []string
	survived, dropped := r.Bounds()
	if r.Interrupted {
		notes = append(notes, "interrupted: sessions still open were closed, so the result is partial")
	}
	if dropped > 0 {
		for _, s := range r.Sessions {
			if s.Outcome == Survived && s.Idle > dropped {
				notes = append(notes, fmt.Sprintf("a %s idle session came back although a %s one dropped: the path's timeout is erratic (load balancer pool, several NATs?); run the probe again", Format(s.Idle), Format(dropped)))
				break
			}
		}
		if survived == 0 {
			notes = append(notes, fmt.Sprintf("even the shortest idle (%s) dropped: a keep-alive every second may not be enough on this path", Format(dropped)))
		}
	}
	switch warm := r.WarmFrom(); {
	case warm > 0:
		notes = append(notes, fmt.Sprintf("the server sent keep-alives into the sessions idle for %s or more (its sshd has ClientAliveInterval set): they keep the path warm and hide its own timeout, so those sessions do not count; to measure the path itself, probe a server without ClientAliveInterval", Format(warm)))
	case dropped == 0 && survived > 0:
		notes = append(notes, "no timeout found; keep-alives sent by the server (sshd ClientAliveInterval) would keep the path warm and hide one, but none were seen during this probe")
	}
	return notes
}

// Format prints a duration as the report reads it: "10m" and "1h" rather
// than Go's "10m0s" and "1h0m0s"; "1m30s" and "45s" as Go prints them.
func Format(d time.Duration) string {
	if d < time.Second {
		return d.String()
	}
	s := d.Round(time.Second).String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

// hostPattern turns the HOST given to probe into the Host pattern that
// `keepalive enable --host` needs: patterns match the host name as typed,
// without a user@ in front or an ssh:// URL around it.
func hostPattern(host string) string {
	if rest, ok := strings.CutPrefix(host, "ssh://"); ok {
		host = rest
		if i := strings.IndexByte(host, '/'); i >= 0 {
			host = host[:i]
		}
		if i := strings.LastIndexByte(host, '@'); i >= 0 {
			host = host[i+1:]
		}
		if strings.HasPrefix(host, "[") {
			if i := strings.IndexByte(host, ']'); i >= 0 {
				return host[1:i]
			}
		}
		if i := strings.LastIndexByte(host, ':'); i >= 0 && strings.Count(host, ":") == 1 {
			host = host[:i]
		}
		return host
	}
	if i := strings.LastIndexByte(host, '@'); i >= 0 {
		host = host[i+1:]
	}
	return host
}

// shellQuote quotes s for a POSIX shell when it holds anything but the
// characters host names are made of.
func shellQuote(s string) string {
	safe := s != ""
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("._-:%+=,/@", c)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

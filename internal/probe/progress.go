package probe

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progress shows the probe waiting: on a terminal, results as lines above
// a one-line bar redrawn every second; otherwise plain lines, for logs,
// with a reminder every plainEvery that the probe is still waiting.
type progress struct {
	w        io.Writer // nil: show nothing
	tty      bool
	res      *Result
	expected time.Duration // how long the probe takes if nothing drops
	start    time.Time
	lastLine time.Time
	idling   int // sessions idling now
}

const plainEvery = 30 * time.Second

func newProgress(w io.Writer, tty bool, res *Result, expected time.Duration) *progress {
	return &progress{w: w, tty: tty, res: res, expected: expected}
}

func (p *progress) begin(now time.Time) {
	p.start, p.lastLine = now, now
	if p.w == nil {
		return
	}
	ss := p.res.Sessions
	p.line(fmt.Sprintf("probing %s with %d idle sessions from %s to %s; this takes up to about %s (Ctrl-C stops and reports what is known)",
		p.res.Host, len(ss), Format(ss[0].Idle), Format(ss[len(ss)-1].Idle), Format(p.expected)))
}

func (p *progress) started(int) {
	p.idling++
	p.bar()
}

func (p *progress) finished(i int) {
	s := p.res.Sessions[i]
	if p.idling > 0 && (s.Outcome == Survived || s.Outcome == Dropped) {
		p.idling--
	}
	if p.w == nil || s.Outcome == Skipped {
		p.bar()
		return
	}
	p.line(fmt.Sprintf("%s idle: %s", Format(s.Idle), describe(s)))
}

func (p *progress) tick() {
	if p.w == nil {
		return
	}
	if p.tty {
		p.bar()
		return
	}
	if now := time.Now(); now.Sub(p.lastLine) >= plainEvery {
		p.line(fmt.Sprintf("still waiting: %s of up to %s, %d sessions idle",
			Format(now.Sub(p.start).Truncate(time.Second)), Format(p.expected), p.idling))
	}
}

// end clears the bar so that the report starts on a clean line.
func (p *progress) end() {
	if p.w != nil && p.tty {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

// line prints one line of progress, above the bar on a terminal.
func (p *progress) line(s string) {
	if p.w == nil {
		return
	}
	p.lastLine = time.Now()
	if p.tty {
		fmt.Fprintf(p.w, "\r\x1b[K%s\n", s)
		p.bar()
		return
	}
	fmt.Fprintf(p.w, "[%5s] %s\n", Format(time.Since(p.start).Truncate(time.Second)), s)
}

const barWidth = 24

func (p *progress) bar() {
	if p.w == nil || !p.tty {
		return
	}
	elapsed := time.Since(p.start)
	filled := int(float64(barWidth) * float64(elapsed) / float64(p.expected))
	filled = min(max(filled, 0), barWidth-1) // full only when done
	var back, dropped, open int
	for _, s := range p.res.Sessions {
		switch s.Outcome {
		case Survived:
			back++
		case Dropped:
			dropped++
		case Waiting:
			open++
		}
	}
	fmt.Fprintf(p.w, "\r\x1b[K[%s%s] %s of ~%s  %d back, %d dropped, %d open",
		strings.Repeat("#", filled), strings.Repeat(".", barWidth-filled),
		Format(elapsed.Truncate(time.Second)), Format(p.expected), back, dropped, open)
}

// describe says in a few words what became of a session.
func describe(s Session) string {
	var d string
	switch s.Outcome {
	case Survived:
		d = "came back"
	case Dropped:
		d = "dropped"
	case Failed:
		d = "failed"
	case Skipped:
		d = "skipped"
	default:
		d = "still open"
	}
	if s.Detail != "" {
		d += " (" + s.Detail + ")"
	}
	if s.ServerKeepalives {
		d += ", but the server sent keep-alives: not idle"
	}
	return d
}

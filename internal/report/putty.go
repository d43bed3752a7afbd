package report

import (
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"unicode"

	"github.com/keepalive-ssh/keepalive/internal/putty"
)

// PuttySessions lists the saved sessions of store and their keep-alive, or
// says why there are none.
// PuttySessionsIn is PuttySessions of the store open returns, or why there
// are none.
func PuttySessionsIn(open func() (putty.Store, error)) ([]PuttySession, string) {
	store, err := open()
	if err != nil {
		return nil, fmt.Sprintf("cannot read PuTTY sessions: %v", err)
	}
	return PuttySessions(store)
}

func PuttySessions(store putty.Store) ([]PuttySession, string) {
	if ok, err := store.Exists(); err != nil {
		return nil, fmt.Sprintf("cannot read PuTTY sessions in %s: %v", store.Where(), err)
	} else if !ok {
		return []PuttySession{}, "none (no PuTTY settings in " + store.Where() + ")"
	}
	sessions, err := store.Sessions()
	if err != nil {
		return nil, fmt.Sprintf("cannot read PuTTY sessions in %s: %v", store.Where(), err)
	}
	out := []PuttySession{}
	for _, ss := range sessions {
		out = append(out, PuttySession{Session: ss.Name, Value: ss.KeepAlive.Interval(), Source: ss.Source(), Minutes: ss.KeepAlive.Minutes})
	}
	if len(out) == 0 {
		return out, "no saved sessions in " + store.Where()
	}
	return out, ""
}

// PuttyListEntry is one session in `keepalive putty --list --json`.
type PuttyListEntry struct {
	Session          string `json:"session"`
	KeepAlive        int    `json:"keepalive"`
	PingInterval     int    `json:"ping_interval"`
	PingIntervalSecs int    `json:"ping_interval_secs"`
	Location         string `json:"location"`
	Saved            bool   `json:"saved"`
}

// PuttyListJSON is `putty --list --json`.
func PuttyListJSON(sessions []putty.Session) []PuttyListEntry {
	out := make([]PuttyListEntry, 0, len(sessions))
	for _, ss := range sessions {
		out = append(out, PuttyListEntry{
			Session: ss.Name, KeepAlive: ss.KeepAlive.Interval(),
			PingInterval: ss.KeepAlive.Minutes, PingIntervalSecs: ss.KeepAlive.Seconds,
			Location: ss.Location, Saved: ss.Saved,
		})
	}
	return out
}

// PuttyList prints `putty --list`: a table of sessions, their keep-alive
// and where each is saved.
func PuttyList(w io.Writer, sessions []putty.Session) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "SESSION\tKEEP-ALIVE\tWHERE")
	for _, ss := range sessions {
		ka := putty.FormatInterval(ss.KeepAlive.Interval())
		if ss.KeepAlive.Minutes != 0 {
			// The legacy minutes are easy to miss: say where the value
			// comes from.
			ka += fmt.Sprintf(" (PingInterval %d min + PingIntervalSecs %d)", ss.KeepAlive.Minutes, ss.KeepAlive.Seconds)
		}
		where := ss.Location
		if !ss.Saved {
			where = "not saved: PuTTY's built-in defaults"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", displayName(ss.Name), ka, where)
	}
	return tw.Flush()
}

// displayName quotes a session name only when it would not print cleanly.
func displayName(n string) string {
	for _, r := range n {
		if !unicode.IsPrint(r) || r == '\t' {
			return strconv.Quote(n)
		}
	}
	return n
}

package report

import (
	"fmt"

	"github.com/keepalive-ssh/keepalive/internal/putty"
)

// PuttySessions lists the saved sessions of store and their keep-alive, or
// says why there are none.
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

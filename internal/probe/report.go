package probe

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// NoTimeout is what the report says when every idle up to --max came back.
const NoTimeout = "no timeout found up to --max; keep-alives are not needed for this path, or try a larger --max"

// WriteText prints the report a person reads: each idle length and what
// became of it, the timeout found, the recommendation and the command that
// applies it, and the caveats.
func WriteText(w io.Writer, r *Result) error {
	var b strings.Builder
	fmt.Fprintf(&b, "idle sessions to %s, keep-alives off:\n", r.Host)
	for _, s := range r.Sessions {
		fmt.Fprintf(&b, "  %6s  %s\n", Format(s.Idle), describe(s))
	}
	b.WriteString("\n")
	survived, dropped := r.Bounds()
	switch {
	case dropped > 0 && survived > 0:
		fmt.Fprintf(&b, "The path to %s forgets an idle SSH connection after between %s and %s.\n", r.Host, Format(survived), Format(dropped))
	case dropped > 0:
		fmt.Fprintf(&b, "The path to %s forgets an idle SSH connection in less than %s.\n", r.Host, Format(dropped))
	case r.Complete():
		fmt.Fprintf(&b, "The path to %s kept idle SSH connections for at least %s (--max): %s.\n", r.Host, Format(r.Max), NoTimeout)
	case survived > 0 && r.ServerKeepalives():
		fmt.Fprintf(&b, "The path to %s kept idle SSH connections for at least %s; longer sessions got keep-alives from the server, which hide the path's own timeout.\n", r.Host, Format(survived))
	case r.ServerKeepalives():
		fmt.Fprintf(&b, "No session to %s was really idle: the server sent keep-alives into every one, so the path's timeout cannot be measured through this server.\n", r.Host)
	case survived > 0:
		fmt.Fprintf(&b, "The path to %s kept idle SSH connections for at least %s.\n", r.Host, Format(survived))
	default:
		fmt.Fprintf(&b, "No idle session to %s finished: nothing was learnt.\n", r.Host)
	}
	if n := r.Recommended(); n == 0 && !r.Complete() && (survived > 0 || r.ServerKeepalives()) {
		fmt.Fprintf(&b, "No keep-alive interval is recommended: no timeout was measured.\n")
	} else if n > 0 {
		why := "half the longest idle that came back"
		if survived == 0 {
			why = "the shortest interval there is"
		} else if n == MaxRecommended {
			why = "there is no need to go higher"
		}
		fmt.Fprintf(&b, "Recommended keep-alive interval: %ds (%s). To use it:\n\n    %s\n", n, why, r.Command())
	}
	if notes := r.Notes(); len(notes) > 0 {
		b.WriteString("\n")
		for _, n := range notes {
			fmt.Fprintf(&b, "note: %s\n", n)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// jsonResult is the --json form of a Result: durations in seconds as JSON
// numbers, null where nothing is known.
type jsonResult struct {
	Host            string        `json:"host"`
	MaxSeconds      float64       `json:"max_seconds"`
	ElapsedSeconds  float64       `json:"elapsed_seconds"`
	Interrupted     bool          `json:"interrupted"`
	TimeoutFound    bool          `json:"timeout_found"`
	SurvivedSeconds *float64      `json:"survived_seconds"`
	DroppedSeconds  *float64      `json:"dropped_seconds"`
	Recommended     *int          `json:"recommended_interval_seconds"`
	Command         string        `json:"command,omitempty"`
	ServerKeepalive bool          `json:"server_keepalives_seen"`
	Sessions        []jsonSession `json:"sessions"`
	Notes           []string      `json:"notes"`
}

type jsonSession struct {
	IdleSeconds      float64 `json:"idle_seconds"`
	Result           string  `json:"result"`
	Detail           string  `json:"detail,omitempty"`
	ServerKeepalives bool    `json:"server_keepalives,omitempty"`
}

// WriteJSON prints the result for scripts.
func WriteJSON(w io.Writer, r *Result) error {
	survived, dropped := r.Bounds()
	j := jsonResult{
		Host:            r.Host,
		MaxSeconds:      r.Max.Seconds(),
		ElapsedSeconds:  float64(r.Elapsed.Milliseconds()) / 1000,
		Interrupted:     r.Interrupted,
		TimeoutFound:    dropped > 0,
		Command:         r.Command(),
		ServerKeepalive: r.ServerKeepalives(),
		Sessions:        []jsonSession{},
		Notes:           r.Notes(),
	}
	if j.Notes == nil {
		j.Notes = []string{}
	}
	if survived > 0 {
		v := survived.Seconds()
		j.SurvivedSeconds = &v
	}
	if dropped > 0 {
		v := dropped.Seconds()
		j.DroppedSeconds = &v
	}
	if n := r.Recommended(); n > 0 {
		j.Recommended = &n
	}
	for _, s := range r.Sessions {
		j.Sessions = append(j.Sessions, jsonSession{
			IdleSeconds:      s.Idle.Seconds(),
			Result:           s.Outcome.String(),
			Detail:           s.Detail,
			ServerKeepalives: s.ServerKeepalives,
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(j)
}

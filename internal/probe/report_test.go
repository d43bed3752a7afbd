package probe

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func sessions(idle []int, outcome ...Outcome) []Session {
	var ss []Session
	for i, n := range idle {
		ss = append(ss, Session{Idle: time.Duration(n) * time.Second, Outcome: outcome[i]})
	}
	return ss
}

func TestWriteTextTimeoutFound(t *testing.T) {
	r := &Result{Host: "db.example.com", Max: 20 * time.Second,
		Sessions: sessions([]int{2, 3, 4, 5, 20}, Survived, Survived, Survived, Dropped, Skipped)}
	r.Sessions[3].Detail = "no reply 2s after it was due"
	var b bytes.Buffer
	if err := WriteText(&b, r); err != nil {
		t.Fatal(err)
	}
	want := `idle sessions to db.example.com, keep-alives off:
      2s  came back
      3s  came back
      4s  came back
      5s  dropped (no reply 2s after it was due)
     20s  skipped

The path to db.example.com forgets an idle SSH connection after between 4s and 5s.
Recommended keep-alive interval: 2s (half the longest idle that came back). To use it:

    keepalive enable --host db.example.com --interval 2
`
	if got := b.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestWriteTextNoTimeout(t *testing.T) {
	r := &Result{Host: "me@host", Max: 10 * time.Minute,
		Sessions: sessions([]int{2, 420, 600}, Survived, Survived, Survived)}
	var b bytes.Buffer
	WriteText(&b, r)
	for _, want := range []string{
		"kept idle SSH connections for at least 10m (--max): no timeout found up to --max; keep-alives are not needed for this path, or try a larger --max.\n",
		"note: no timeout found; keep-alives sent by the server (sshd ClientAliveInterval)",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, b.String())
		}
	}
	// Nothing was measured, so nothing is recommended.
	for _, unwanted := range []string{"Recommended", "keepalive enable"} {
		if strings.Contains(b.String(), unwanted) {
			t.Errorf("report says %q without a timeout measured:\n%s", unwanted, b.String())
		}
	}
	if r.Recommended() != 0 || r.Command() != "" {
		t.Errorf("Recommended() = %d, Command() = %q without a timeout measured", r.Recommended(), r.Command())
	}
}

func TestWriteTextShortestDropped(t *testing.T) {
	r := &Result{Host: "h", Max: 5 * time.Second,
		Sessions: sessions([]int{2, 3, 5}, Dropped, Skipped, Skipped)}
	var b bytes.Buffer
	WriteText(&b, r)
	for _, want := range []string{"in less than 2s", "interval: 1s (the shortest interval there is)", "even the shortest idle (2s) dropped"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, b.String())
		}
	}
}

func TestWriteJSON(t *testing.T) {
	r := &Result{Host: "h", Max: 20 * time.Second, Elapsed: 7500 * time.Millisecond, Interrupted: true,
		Sessions: sessions([]int{2, 3, 5, 20}, Survived, Survived, Dropped, Skipped)}
	r.Sessions[1].ServerKeepalives = true
	var b bytes.Buffer
	if err := WriteJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatalf("%v:\n%s", err, b.String())
	}
	for k, want := range map[string]any{
		"host": "h", "max_seconds": 20.0, "elapsed_seconds": 7.5, "interrupted": true,
		// The 3s session got keep-alives from the server: it does not count.
		"timeout_found": true, "survived_seconds": 2.0, "dropped_seconds": 5.0,
		"recommended_interval_seconds": 1.0, "command": "keepalive enable --host h --interval 1",
		"server_keepalives_seen": true,
	} {
		if got[k] != want {
			t.Errorf("%s = %#v, want %#v", k, got[k], want)
		}
	}
	ss := got["sessions"].([]any)
	if len(ss) != 4 || ss[2].(map[string]any)["result"] != "dropped" || ss[2].(map[string]any)["idle_seconds"] != 5.0 {
		t.Errorf("sessions = %v", ss)
	}
	if len(got["notes"].([]any)) != 2 {
		t.Errorf("notes = %v, want interrupted and server keep-alives", got["notes"])
	}
}

func TestWriteJSONNothingKnown(t *testing.T) {
	r := &Result{Host: "h", Max: 5 * time.Second, Interrupted: true,
		Sessions: sessions([]int{2, 5}, Skipped, Skipped)}
	var b bytes.Buffer
	WriteJSON(&b, r)
	var got map[string]any
	json.Unmarshal(b.Bytes(), &got)
	for _, k := range []string{"survived_seconds", "dropped_seconds", "recommended_interval_seconds"} {
		if v, ok := got[k]; !ok || v != nil {
			t.Errorf("%s = %#v, want null", k, v)
		}
	}
	if _, ok := got["command"]; ok {
		t.Errorf("command present without a recommendation: %s", b.String())
	}
}

func TestHostPattern(t *testing.T) {
	for in, want := range map[string]string{
		"host":                        "host",
		"me@host":                     "host",
		"ssh://me@host.example:2222/": "host.example",
		"ssh://[::1]:22":              "::1",
		"ssh://host":                  "host",
	} {
		if got := hostPattern(in); got != want {
			t.Errorf("hostPattern(%q) = %q, want %q", in, got, want)
		}
	}
	if got := shellQuote("a b"); got != `'a b'` {
		t.Errorf("shellQuote = %s", got)
	}
}

// TestLoginCommand: the hint repeats the ssh the probe ran, with the
// user's own arguments after --.
func TestLoginCommand(t *testing.T) {
	o := Options{SSH: "/opt/my ssh", SSHArgs: []string{"-p", "2222", "-i", "~/.ssh/id x"}, Host: "me@h"}
	want := `'/opt/my ssh' -o BatchMode=yes -p 2222 -i '~/.ssh/id x' -o ConnectTimeout=20 me@h true`
	if got := o.LoginCommand(); got != want {
		t.Errorf("LoginCommand() = %s, want %s", got, want)
	}
}

func TestFormat(t *testing.T) {
	for d, want := range map[time.Duration]string{
		2 * time.Second: "2s", 10 * time.Second: "10s", 90 * time.Second: "1m30s",
		10 * time.Minute: "10m", time.Hour: "1h", 90 * time.Minute: "1h30m", 150 * time.Millisecond: "150ms",
	} {
		if got := Format(d); got != want {
			t.Errorf("Format(%v) = %q, want %q", d, got, want)
		}
	}
}

// TestWriteTextServerKeepalives: sessions the server kept warm prove
// nothing; the bound and the recommendation come from the truly idle ones.
func TestWriteTextServerKeepalives(t *testing.T) {
	r := &Result{Host: "h", Max: 8 * time.Second,
		Sessions: sessions([]int{2, 3, 4, 5, 8}, Survived, Survived, Survived, Survived, Survived)}
	for i := 1; i < len(r.Sessions); i++ {
		r.Sessions[i].ServerKeepalives = true
	}
	var b bytes.Buffer
	WriteText(&b, r)
	for _, want := range []string{
		"3s  came back, but the server sent keep-alives: not idle",
		"kept idle SSH connections for at least 2s; longer sessions got keep-alives from the server",
		"No keep-alive interval is recommended: no timeout was measured.",
		"note: the server sent keep-alives into the sessions idle for 3s or more (its sshd has ClientAliveInterval set)",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, b.String())
		}
	}
	if r.Complete() {
		t.Error("Complete() with server keep-alives")
	}
	if strings.Contains(b.String(), "keepalive enable") {
		t.Errorf("a recommendation without a timeout measured:\n%s", b.String())
	}
}

package placement

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/resolve"
	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// Plan.Evaluated, whenever it gives a result, gives what evaluating the
// plan's trees again would: for every server corpus file, the generated
// fleet and a file keepalive created, with the global, Match and drop-in
// placements, an edit and a no-op second run alike.
func TestEvaluatedSameAsResolve(t *testing.T) {
	configs := map[string]string{
		"fleet":   string(testenv.SshdConfig(200)),
		"created": CreatedMarker + "\nMatch all\n  PidFile /run/x.pid\n",
		"include": "Include /etc/ssh/sshd_config.d/*.conf\nPidFile /run/y.pid\nMatch User bob\n  PidFile /run/z.pid\n",
	}
	for _, c := range testenv.CorpusTexts(t, "server") {
		configs[c.Name] = c.Text
	}
	type plan struct {
		name string
		conn *resolve.Conn
		make func(Scope) (*Plan, error)
	}
	plans := []plan{
		{"global", nil, func(s Scope) (*Plan, error) { return EnableServer(s, serverSettings, ""), nil }},
		{"defaults", nil, func(s Scope) (*Plan, error) {
			return EnableServer(s, []Setting{{Key: "ClientAliveInterval", Value: "60", Default: true}, {Key: "ClientAliveCountMax", Value: "2", Default: true}}, ""), nil
		}},
		{"match", MatchConn([]string{"User", "bob"}), func(s Scope) (*Plan, error) { return EnableServer(s, serverSettings, "User bob"), nil }},
		{"drop-in", nil, func(s Scope) (*Plan, error) { return EnableServerDropIn(s, serverSettings, DropInName) }},
	}
	evaluated := 0
	for name, body := range configs {
		for _, pl := range plans {
			s, etc := serverRoot(t, map[string]string{"sshd_config": body, "sshd_config.d/50-x.conf": "ClientAliveCountMax 9\n"})
			for run := 0; run < 2; run++ {
				p, err := pl.make(s)
				if err != nil {
					break
				}
				for path, orig := range p.Orig { // as read from disk
					if disk, err := os.ReadFile(path); err == nil && string(disk) != orig {
						t.Errorf("%s, %s: Orig of %s is not the file's bytes", name, pl.name, path)
					}
				}
				for _, keys := range [][]string{{"ClientAliveInterval", "clientalivecountmax"}, {"pidfile"}, nil} {
					r := p.Evaluated(pl.conn, keys...)
					if r == nil {
						continue
					}
					evaluated++
					opts := s.Opts
					opts.Override, opts.Conn, opts.Keys = p.Files, pl.conn, keys
					if keys == nil {
						opts.Keys = []string{}
					}
					want := resolve.Resolve(opts)
					for _, k := range keys { // none: only Stopped and Incomplete
						if got, want := effective(r, k), effective(want, k); got != want {
							t.Errorf("%s, %s, run %d: Evaluated gives %s %s, want %s", name, pl.name, run+1, k, got, want)
						}
					}
					if fmt.Sprint(r.Stopped, r.Incomplete) != fmt.Sprint(want.Stopped, want.Incomplete) {
						t.Errorf("%s, %s: Evaluated: stopped %v, incomplete %v; want %v, %v", name, pl.name, r.Stopped, r.Incomplete, want.Stopped, want.Incomplete)
					}
				}
				if p.Evaluated(&resolve.Conn{User: "someone-else"}) != nil && pl.conn == nil {
					t.Errorf("%s, %s: Evaluated answers for another connection", name, pl.name)
				}
				if p.Evaluated(pl.conn, "Port") != nil {
					t.Errorf("%s, %s: Evaluated answers for a keyword it did not record", name, pl.name)
				}
				for path, f := range p.Files { // the second run reads the edited files
					if strings.HasPrefix(path, etc) {
						if err := os.WriteFile(path, f.Bytes(), 0o644); err != nil {
							t.Fatal(err)
						}
					}
				}
			}
		}
	}
	if evaluated == 0 {
		t.Fatal("Evaluated never gave a result")
	}
}

// effective prints the line in effect for key.
func effective(r *resolve.Result, key string) string {
	if o, ok := r.Effective(key); ok {
		return o.Pos() + " " + o.Line().Raw
	}
	return "none"
}

package placement

import (
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/resolve"
	"github.com/keepalive-ssh/keepalive/internal/sshconf"
	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// TestCompletenessAgrees checks that whenever a plan answers Completeness
// itself, the answer is what evaluating its edited trees again, as the
// edit transaction did before, says: where it stops and what it leaves
// out, with the same positions. Enable and disable, for every host and
// one host, on tricky configs and the corpus, each also on the file
// enable wrote (disable then takes lines out).
func TestCompletenessAgrees(t *testing.T) {
	configs := map[string]string{
		"plain":       "Host a\n  User x\n",
		"match exec":  "Host a\n  User x\nMatch exec \"true\"\n  Port 2\nHost *\n  ServerAliveCountMax 3\n",
		"exec below":  "Host *\n  ServerAliveInterval 5\nMatch host a exec \"x\"\n  User y\n",
		"mentions":    "Match \"exec\" host a\n  User y\n",
		"include":     "Include conf.d/*.conf\nHost *\n  User z\n",
		"include %h":  "Include conf.d/%h.conf\nHost *\n  User z\n",
		"canon":       "Host a\n  CanonicalizeHostname yes\nMatch exec x\n  User q\n",
		"final":       "Match final\n  User f\nMatch exec z\n  Port 3\n",
		"loop":        "Include ~/.ssh/config ~/.ssh/config ~/.ssh/config ~/.ssh/config ~/.ssh/config ~/.ssh/config\nHost *\n  User a\n",
		"unreadable":  "Include conf.d/missing-dir/x.conf /dev/null\nHost *\n  User a\n",
		"host block":  "Host web\n  User w\nMatch exec true\n  User x\n",
		"restored":    "Host *\n    # keepalive: changed \"ServerAliveInterval 30\" to \"ServerAliveInterval 60\"\n    ServerAliveInterval 60\nMatch exec x\n  User b\n",
		"restores to": "Host *\n    # keepalive: changed \"Match exec y\" to \"ServerAliveInterval 60\"\n    ServerAliveInterval 60\n",
	}
	extra := map[string]string{
		".ssh/conf.d/a.conf":                       "Host b\n  Port 7\nMatch exec \"y\"\n  User c\n",
		".ssh/conf.d/keepalive-probe.invalid.conf": "Match exec \"p\"\n  User p\n",
	}
	for _, c := range testenv.CorpusTexts(t, "client") {
		configs["corpus/"+c.Name] = c.Text
	}
	settings := []Setting{
		{Key: sshconf.ServerAliveInterval, Value: "60", Default: true},
		{Key: sshconf.ServerAliveCountMax, Value: "2", Default: true},
	}
	keys := sshconf.Client.Written()
	known := 0
	for name, config := range configs {
		for _, host := range []string{"*", "web"} {
			if name == "loop" && host != "*" {
				continue // each evaluation walks until it stops: once is enough
			}
			sc := clientScope(t, host, config, extra)
			check := func(what string, p *Plan) {
				t.Helper()
				if got, want := p.Changed(), p.compare(); !slices.Equal(got, want) {
					t.Errorf("%s, Host %s, %s: Changed() = %q, but %q differ from what was read", name, host, what, got, want)
				}
				stop, incomplete, ok := p.Completeness()
				if !ok {
					return
				}
				known++
				opts := sc.Opts
				opts.Override, opts.Keys = p.Files, []string{}
				r := resolve.Resolve(opts)
				if !reflect.DeepEqual(stop, r.Stopped) || len(incomplete)+len(r.Incomplete) > 0 && !reflect.DeepEqual(incomplete, r.Incomplete) {
					t.Errorf("%s, Host %s, %s: Completeness says stopped %v, incomplete %v; evaluating again: %v, %v",
						name, host, what, stop, incomplete, r.Stopped, r.Incomplete)
				}
			}
			check("enable", Enable(sc, settings))
			check("disable", Disable(sc, keys))
			check("disable --all", DisableAll(sc, keys))
			// Once enabled, disable has lines to take out.
			p := Enable(sc, settings)
			if len(p.Shadowed) > 0 {
				continue
			}
			for _, path := range p.Changed() {
				if err := os.WriteFile(path, p.Files[path].Bytes(), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			check("enable again", Enable(sc, settings))
			check("disable after enable", Disable(sc, keys))
			check("disable --all after enable", DisableAll(sc, keys))
		}
	}
	if known == 0 {
		t.Fatal("no plan answered Completeness itself")
	}
	// Where the walk depends on the host, the plan does not answer.
	for _, name := range []string{"include %h", "canon", "final"} {
		sc := clientScope(t, "*", configs[name], extra)
		if _, _, ok := Enable(sc, settings).Completeness(); ok {
			t.Errorf("%s: Completeness answered for a walk that depends on the host", name)
		}
	}
}

// summary is what a plan shows and writes, for comparing two plans.
func summary(p *Plan) string {
	var b strings.Builder
	for _, path := range p.Order {
		fmt.Fprintf(&b, "== %s remove=%v\n%s\n-- %s\n", path, p.Remove[path], p.Files[path].Bytes(), p.Describe(path))
	}
	for _, c := range p.Changes {
		fmt.Fprintf(&b, "change %s %q %q %s %q %v %v %v\n", c.Key, c.Value, c.Was, c.Path, c.Block, c.Removed, c.Restored, c.Others)
	}
	for _, k := range p.Kept {
		fmt.Fprintf(&b, "kept %s %q %s %s\n", k.Key, k.Value, k.Pos, k.Why)
	}
	for _, x := range p.Pinned {
		fmt.Fprintf(&b, "pinned %s %s %s %s\n", x.Block(), x.Key(), x.Value(), x.Pos())
	}
	for _, sh := range p.Shadowed {
		fmt.Fprintf(&b, "shadowed %s\n", sh.Error())
	}
	for _, o := range p.MayApply {
		fmt.Fprintf(&b, "may apply %s %s", o.Pos(), o.Line().Raw)
	}
	fmt.Fprintf(&b, "notes %q\n", p.Notes(func(string) string { return "--flag" }))
	return b.String()
}

// TestEnableSkipsNoEvaluationThatMatters: enable takes a later setting's
// directive from the evaluation before its inserts rather than
// evaluating again; the plan is the one evaluating after each edit makes,
// for every host, new host, value and default, on tricky configs (none of
// the keys set, set in Host *, in a host block, last line without a line
// ending, Include loops) and the corpus.
func TestEnableSkipsNoEvaluationThatMatters(t *testing.T) {
	configs := map[string]string{
		"empty":          "",
		"plain":          "Host a\n  User x\n",
		"no final EOL":   "Host a\n  User x\nHost *\n  ServerAliveCountMax 4",
		"count in all":   "Host *\n  ServerAliveCountMax 3\n",
		"count first":    "ServerAliveCountMax 5\nHost web\n  User w\n",
		"interval first": "Host web\n  ServerAliveInterval 10\nHost *\n  User z\n",
		"blank lines":    "# c\n\nHost web\n  User w\n\nHost b\n  ServerAliveCountMax 9\n",
		"match exec":     "Host a\n  User x\nMatch exec \"true\"\n  ServerAliveCountMax 2\n",
		"include":        "Include conf.d/*.conf\nHost web\n  User z\n",
		"leading":        "ServerAliveInterval 0\nHost web\n  User q\n",
		"loop":           "Include ~/.ssh/config ~/.ssh/config ~/.ssh/config ~/.ssh/config ~/.ssh/config ~/.ssh/config\nHost *\n  User a\n",
		"crlf bom":       "\uFEFFHost web\r\n  User w\r\n",
	}
	extra := map[string]string{".ssh/conf.d/a.conf": "Host b\n  ServerAliveCountMax 7\n"}
	for _, c := range testenv.CorpusTexts(t, "client") {
		configs["corpus/"+c.Name] = c.Text
	}
	variants := [][]Setting{
		{{Key: sshconf.ServerAliveInterval, Value: "60", Default: true}, {Key: sshconf.ServerAliveCountMax, Value: "2", Default: true}},
		{{Key: sshconf.ServerAliveInterval, Value: "60"}, {Key: sshconf.ServerAliveCountMax, Value: "2", Default: true}},
		{{Key: sshconf.ServerAliveInterval, Value: "30"}, {Key: sshconf.ServerAliveCountMax, Value: "6"}},
	}
	for name, config := range configs {
		for _, host := range []string{"*", "web", "newhost"} {
			if host == "web" && strings.HasPrefix(name, "corpus/") {
				continue // the corpus has no host web: as newhost
			}
			sc := clientScope(t, host, config, extra)
			for v, settings := range variants {
				if name == "loop" && (host != "*" || v > 0) {
					continue // each evaluation walks until it stops: once is enough
				}
				for _, newBlock := range []bool{false, true} {
					if newBlock && (host == "*" || strings.HasPrefix(name, "corpus/")) {
						continue // Host * goes last either way; the corpus is large
					}
					lazy, eager := summary(enable(sc, settings, newBlock, false)), summary(enable(sc, settings, newBlock, true))
					if lazy != eager {
						t.Errorf("%s, Host %s, settings %d, newBlock %v: the plan differs from evaluating after each edit:\n%s\nwant\n%s",
							name, host, v, newBlock, lazy, eager)
					}
				}
			}
		}
	}
}

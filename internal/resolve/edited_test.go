package resolve

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/sshconf"
	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// describe lists what an evaluation found, for comparing two: every
// occurrence with its file, line, state, pass, header (by identity and
// text) and depth, then the documents, problems and whether it stopped.
func describe(r *Result) []string {
	var out []string
	for _, o := range r.Occurrences {
		out = append(out, fmt.Sprintf("%s %s %v pass %d header %p %q depth %d", o.Pos(), o.Key, o.State, o.Pass, o.Header, headerText(o.Header), o.Depth))
	}
	for _, d := range r.Docs {
		out = append(out, fmt.Sprintf("doc %s %p text %d", d.Path, d.File, len(d.Text)))
	}
	out = append(out, fmt.Sprintf("problems %v incomplete %v stopped %v hostdependent %v", r.Problems, r.Incomplete, r.Stopped, r.HostDependent))
	return out
}

func headerText(h *sshconf.Line) string {
	if h == nil {
		return ""
	}
	return h.Raw
}

// editConfigs are the configurations TestEditedSame edits: a generated
// fleet, tricky ones and the corpus.
func editConfigs(t *testing.T) []map[string]string {
	fleet := testenv.FleetConfig(600, "/HOME/.ssh/fleet.d")
	files := map[string]string{".ssh/config": string(fleet.Main)}
	for name, b := range fleet.Included {
		files[".ssh/fleet.d/"+name] = string(b)
	}
	configs := []map[string]string{files,
		{".ssh/config": "ServerAliveInterval 5\nHost a\n  ServerAliveInterval 6\nHost *\n  ServerAliveCountMax 2"},
		{".ssh/config": "Include inc\nHost a !b\n  Include inc\n  ServerAliveInterval 1\nHost b\n  ServerAliveInterval 2\nMatch host A,c\n  TCPKeepAlive no\nHost *\n  User x\n",
			".ssh/inc": "ServerAliveCountMax 4\nHost a\n  ServerAliveCountMax 5\nMatch all\n  ServerAliveInterval 9\n"},
		{".ssh/config": "\ufeffHost x\r\n  ServerAliveInterval 1\r\nHost\r\nMatch exec true\r\n  ServerAliveCountMax 3\r\nHost *\r\n  Port 2\r\n"},
		{".ssh/config": "# only comments\n\n"},
		{".ssh/config": "Host a\n  ServerAliveInterval 1\nHost x"}, // a header last, without a line ending
		{".ssh/config": "Host x\n  HostName y\nMatch host y\n  ServerAliveInterval 1\nHost y x\n  ServerAliveInterval 2\nMatch final all\n  ServerAliveCountMax 7\n"},
		{".ssh/config": "Include a b\nHost *\n  ServerAliveInterval 3\n", ".ssh/a": "Host x\n  ServerAliveInterval 1\n", ".ssh/b": "Include a\n"},
		// Files entered from blocks that do not apply, or may: their
		// first lines and headers take that state.
		{".ssh/config": "Host nomatch\n  Include one\nHost *\n  ServerAliveInterval 3\nMatch exec \"true\"\n  Include two\n",
			".ssh/one": "ServerAliveCountMax 1\nHost *\n  ServerAliveInterval 2\n", ".ssh/two": "Host *\n  ServerAliveCountMax 4\n"},
	}
	for _, c := range testenv.CorpusTexts(t, "client") {
		configs = append(configs, map[string]string{".ssh/config": c.Text})
	}
	return configs
}

// editOp is one random edit: safe says whether Edited may answer for it.
type editOp struct {
	name string
	safe bool
	do   func(f *sshconf.File, i int)
}

var editOps = []editOp{
	{"insert interval", true, func(f *sshconf.File, i int) { f.Insert(i, "  ServerAliveInterval 60") }},
	{"insert count", true, func(f *sshconf.File, i int) { f.Insert(i, "ServerAliveCountMax=2") }},
	{"insert comment and blank", true, func(f *sshconf.File, i int) { f.Insert(i, "# keepalive", "") }},
	{"insert Host block", true, func(f *sshconf.File, i int) { f.Insert(i, "Host *", "  ServerAliveInterval 30", "") }},
	{"insert host's block", true, func(f *sshconf.File, i int) { f.Insert(i, "Host a x", "  ServerAliveInterval 30") }},
	{"insert Host only", true, func(f *sshconf.File, i int) { f.Insert(i, "Host x") }},
	{"new value", true, func(f *sshconf.File, i int) {
		if i < len(f.Lines) && inert(f.Lines[i]) {
			f.SetValue(i, "90")
		}
	}},
	{"remove", true, func(f *sshconf.File, i int) {
		if i < len(f.Lines) {
			f.Remove(i)
		}
	}},
	{"comment out", true, func(f *sshconf.File, i int) {
		if i < len(f.Lines) {
			f.Replace(i, "# was: "+f.Text(i))
		}
	}},
	{"insert User", false, func(f *sshconf.File, i int) { f.Insert(i, "User y") }},
	{"insert Match", false, func(f *sshconf.File, i int) { f.Insert(i, "Match all", "  ServerAliveInterval 1") }},
	{"insert Include", false, func(f *sshconf.File, i int) { f.Insert(i, "Include a") }},
	{"insert bad", false, func(f *sshconf.File, i int) { f.Insert(i, "ServerAliveInterval") }},
}

// TestEditedSame checks Result.Edited against evaluating again: after
// random edits of every kind, on the fleet, tricky configs and the
// corpus, for several hosts and with and without Keys, whenever Edited
// answers it gives exactly what Resolve gives (occurrences with their
// lines, states, headers and depths; documents; problems); it answers for
// most edits of the kinds enable makes, and never for an edit that can
// change how other lines are evaluated.
func TestEditedSame(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	answered, trials := 0, 0
	for ci, files := range editConfigs(t) {
		for name, body := range files {
			files[name] = strings.ReplaceAll(body, "/HOME", "HOME")
		}
		home := layout(t, files)
		for name, body := range files {
			// The fleet's Include names its directory from the home.
			os.WriteFile(filepath.Join(home, name), []byte(strings.ReplaceAll(body, "HOME/", home+"/")), 0o600)
		}
		for _, host := range []string{"keepalive-probe.invalid", "a", "x", "host307", "b"} {
			for _, keys := range [][]string{{"ServerAliveInterval", "ServerAliveCountMax"}, nil} {
				for round := range 6 {
					opts := Options{Dialect: sshconf.Client, Home: home, LocalUser: "tester", Host: host, Keys: keys, NoProblems: round%2 == 0,
						Files: []Input{{Path: filepath.Join(home, ".ssh", "config"), User: true}}, Override: map[string]*sshconf.File{}}
					first := Resolve(opts)
					for _, d := range first.Docs {
						opts.Override[d.Path] = d.File
					}
					if round >= 3 {
						// A walk of trees from Override, as a plan's later ones.
						first = Resolve(opts)
					}
					var done []string
					safe := true // the last edit, which stays
					for range 1 + rng.IntN(4) {
						if len(first.Docs) == 0 {
							break
						}
						d := first.Docs[rng.IntN(len(first.Docs))]
						op := editOps[rng.IntN(len(editOps))]
						if rng.IntN(3) > 0 {
							op = editOps[rng.IntN(6)] // mostly what enable does
						}
						i := rng.IntN(len(d.File.Lines) + 1)
						if rng.IntN(2) == 0 {
							i = len(d.File.Lines) // at the end, as enable's Host *
						}
						op.do(d.File, i)
						done = append(done, fmt.Sprintf("%s at %s:%d", op.name, filepath.Base(d.Path), i+1))
						safe = op.safe // a later edit may take an unsafe line out again
					}
					trials++
					got, ok := first.Edited(opts)
					want := Resolve(opts)
					if !ok {
						continue
					}
					answered++
					if !safe {
						t.Errorf("config %d, host %s: Edited answered after %v", ci, host, done)
					}
					if g, w := describe(got), describe(want); !slices.Equal(g, w) {
						t.Fatalf("config %d, host %s, keys %v, after %v:\nEdited:\n  %s\nResolve:\n  %s", ci, host, keys, done, strings.Join(g, "\n  "), strings.Join(w, "\n  "))
					}
					if _, again := got.Edited(opts); again {
						t.Errorf("an Edited result answered Edited again")
					}
				}
			}
		}
	}
	if answered < trials/3 {
		t.Errorf("Edited answered %d of %d trials: too few to test it, or it gives up on edits it should handle", answered, trials)
	}
	t.Logf("Edited answered %d of %d trials", answered, trials)
}

// FuzzEdited is TestEditedSame's comparison on any config: script picks
// the edits (an operation and a line for each pair of bytes).
func FuzzEdited(f *testing.F) {
	f.Add("Host a\n  ServerAliveInterval 1\nHost *\n  ServerAliveCountMax 2\n", "a", []byte{0, 9, 3, 200, 6, 1})
	f.Add("ServerAliveInterval 5\nMatch host x\n  User y\nHost x", "x", []byte{1, 255, 4, 2, 7, 0})
	f.Add("Include nowhere\nHost *\n\tServerAliveInterval=3 # c\r\n", "b", []byte{2, 0, 5, 128})
	f.Fuzz(func(t *testing.T, config, host string, script []byte) {
		if len(config) > 4096 || len(script) > 16 {
			return
		}
		const path = "/fuzz/.ssh/config"
		for _, keys := range [][]string{{"ServerAliveInterval", "ServerAliveCountMax"}, nil} {
			file := sshconf.ParseString(config)
			opts := Options{Dialect: sshconf.Client, Home: "/fuzz", LocalUser: "tester", Host: host, Keys: keys, NoProblems: keys != nil,
				Files: []Input{{Path: path, User: true}}, Override: map[string]*sshconf.File{path: file}}
			first := Resolve(opts)
			var done []string
			for k := 0; k+1 < len(script); k += 2 {
				op := editOps[int(script[k])%len(editOps)]
				i := int(script[k+1]) * (len(file.Lines) + 1) / 256
				op.do(file, i)
				done = append(done, fmt.Sprintf("%s at %d", op.name, i+1))
			}
			got, ok := first.Edited(opts)
			if !ok {
				continue
			}
			if g, w := describe(got), describe(Resolve(opts)); !slices.Equal(g, w) {
				t.Fatalf("host %q, keys %v, after %v:\nEdited:\n  %s\nResolve:\n  %s", host, keys, done, strings.Join(g, "\n  "), strings.Join(w, "\n  "))
			}
		}
	})
}

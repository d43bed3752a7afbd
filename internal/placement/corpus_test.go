package placement

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/resolve"
	"github.com/keepalive-ssh/keepalive/internal/sshconf"
	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

var managedLine = regexp.MustCompile(`(?i)^\s*(ServerAlive(Interval|CountMax)|Host|Match)\b`)

// unmanaged returns the lines of data that keepalive must never change,
// without their line endings (a line that gained an ending because lines
// were appended after it counts as unchanged).
func unmanaged(data []byte) []string {
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSuffix(l, "\r")
		if _, marker := ParseMarker(l); marker || strings.TrimSpace(l) == "" {
			continue // keepalive's markers, and the blank lines around its blocks
		}
		if !managedLine.MatchString(l) {
			out = append(out, l)
		}
	}
	return out
}

// sshG returns what the real ssh computes for host from file alone.
func sshG(t *testing.T, ssh, home, file, host string) (map[string]string, bool) {
	cmd := exec.Command(ssh, "-G", "-F", file, host)
	cmd.Env = append(os.Environ(), "HOME="+home)
	out, err := cmd.Output()
	if err != nil {
		return nil, false
	}
	vals := map[string]string{}
	for _, l := range strings.Split(string(out), "\n") {
		if k, v, ok := strings.Cut(l, " "); ok {
			vals[k] = v
		}
	}
	return vals, true
}

// TestCorpusClient runs enable and disable on every real-world client config
// and checks the result with the real ssh -G: the requested values for the
// general scope, unchanged values for hosts with their own, nothing else
// touched, a second run a no-op, and disable restoring the file.
func TestCorpusClient(t *testing.T) {
	ssh := testenv.Tool(t, "ssh")
	for _, src := range testenv.CorpusFiles(t, "client") {
		t.Run(filepath.Base(src), func(t *testing.T) {
			orig, err := os.ReadFile(src)
			if err != nil {
				t.Fatal(err)
			}
			sc := clientScope(t, "*", string(orig), nil)
			home, main := sc.Opts.Home, sc.Main()
			probe := ProbeHost("*")
			hosts := concreteHosts(orig)
			_, sshOK := sshG(t, ssh, home, main, probe)
			sshOK = sshOK && !bytes.Contains(bytes.ToLower(orig), []byte("exec"))
			before := map[string]map[string]string{}
			inherits := map[string]bool{} // host+key: the value came from the general scope
			if sshOK {
				for _, h := range hosts {
					before[h], _ = sshG(t, ssh, home, main, h)
					for _, k := range []string{"serveraliveinterval", "serveralivecountmax"} {
						inherits[h+k] = sameSource(sc, h, probe, k)
					}
				}
			}

			p := Enable(sc, []Setting{{Key: sshconf.ServerAliveInterval, Value: "177"}, {Key: sshconf.ServerAliveCountMax, Value: "5"}})
			if len(p.Shadowed) > 0 {
				t.Fatalf("shadowed: %v", p.Shadowed)
			}
			edited := p.Files[main].Bytes()
			if a, b := unmanaged(orig), unmanaged(edited); strings.Join(a, "\n") != strings.Join(b, "\n") {
				t.Fatalf("lines other than keep-alives and headers changed:\n%s", edited)
			}
			os.WriteFile(main, edited, 0o600)

			if again := Enable(sc, []Setting{{Key: sshconf.ServerAliveInterval, Value: "177"}, {Key: sshconf.ServerAliveCountMax, Value: "5"}}); len(again.Changed()) != 0 {
				t.Errorf("second enable changes %v", again.Changed())
			}
			if sshOK {
				got, _ := sshG(t, ssh, home, main, probe)
				if got["serveraliveinterval"] != "177" || got["serveralivecountmax"] != "5" {
					t.Errorf("ssh -G %s: serveraliveinterval %s serveralivecountmax %s, want 177 5",
						probe, got["serveraliveinterval"], got["serveralivecountmax"])
				}
				for _, h := range hosts {
					after, _ := sshG(t, ssh, home, main, h)
					for _, k := range []string{"serveraliveinterval", "serveralivecountmax"} {
						old := before[h][k]
						want := old
						if inherits[h+k] {
							want = map[string]string{"serveraliveinterval": "177", "serveralivecountmax": "5"}[k]
						}
						if after[k] != want {
							t.Errorf("ssh -G %s: %s %s, want %s (was %s)", h, k, after[k], want, old)
						}
					}
				}
			}

			d := Disable(sc, []string{sshconf.ServerAliveInterval, sshconf.ServerAliveCountMax})
			if got := d.Files[main].Bytes(); !bytes.Equal(got, orig) {
				t.Errorf("disable did not restore the file byte for byte:\n%s", got)
			}

			// Without --interval/--count a value in effect stays: the
			// real ssh -G gives every host what it had, or 60/2 where
			// keep-alives were off.
			os.WriteFile(main, orig, 0o600)
			on := map[string]bool{}
			for _, h := range append(hosts, probe) {
				on[h] = explicitlyOn(sc, h)
			}
			def := []Setting{{Key: sshconf.ServerAliveInterval, Value: "60", Default: true}, {Key: sshconf.ServerAliveCountMax, Value: "2", Default: true}}
			p = Enable(sc, def)
			if len(p.Shadowed) > 0 {
				t.Fatalf("default enable: shadowed: %v", p.Shadowed)
			}
			os.WriteFile(main, p.Files[main].Bytes(), 0o600)
			if again := Enable(sc, def); len(again.Changed()) != 0 {
				t.Errorf("second default enable changes %v", again.Changed())
			}
			if sshOK {
				for _, h := range append(hosts, probe) {
					after, _ := sshG(t, ssh, home, main, h)
					old := before[h]
					if h == probe {
						old, _ = sshG(t, ssh, home, orig2(t, orig), h)
					}
					if on[h] {
						for _, k := range []string{"serveraliveinterval", "serveralivecountmax"} {
							if after[k] != old[k] {
								t.Errorf("default enable: ssh -G %s: %s %s, want it kept at %s", h, k, after[k], old[k])
							}
						}
					} else if h == probe && (after["serveraliveinterval"] != "60") {
						t.Errorf("default enable: ssh -G %s: serveraliveinterval %s, want 60 (keep-alives were off)", h, after["serveraliveinterval"])
					}
				}
			}
			d = Disable(sc, []string{sshconf.ServerAliveInterval, sshconf.ServerAliveCountMax})
			if got := d.Files[main].Bytes(); !bytes.Equal(got, orig) {
				t.Errorf("disable after the default enable did not restore the file byte for byte:\n%s", got)
			}
		})
	}
}

// explicitlyOn reports whether a ServerAliveInterval other than 0 is in
// effect for host in the file on disk, by our resolver (ssh -G also shows
// BatchMode's implied 300, which is no one's setting).
func explicitlyOn(sc Scope, host string) bool {
	o := sc.Opts
	o.Host = host
	occ, ok := resolve.Resolve(o).Effective("serveraliveinterval")
	return ok && !isOff(occ.Line().Value())
}

// orig2 writes data to a new file and returns its path.
func orig2(t *testing.T, data []byte) string {
	p := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// concreteHosts returns host names from Host lines that contain no wildcard
// or negation, to check that their own settings are kept.
func concreteHosts(data []byte) []string {
	var hosts []string
	f := sshconf.Parse(data)
	for _, l := range f.Lines {
		if l.Is("Host") {
			for _, a := range l.Args() {
				if !strings.ContainsAny(a, "*?!") {
					hosts = append(hosts, a)
					break
				}
			}
		}
	}
	if len(hosts) > 8 {
		hosts = hosts[:8]
	}
	return hosts
}

// sameSource reports whether key comes from the same line (or the default)
// for host as for probe, according to our resolver on the original file.
func sameSource(sc Scope, host, probe, key string) bool {
	src := func(h string) string {
		o := sc.Opts
		o.Host = h
		if occ, ok := resolve.Resolve(o).Effective(key); ok {
			return occ.Pos()
		}
		return "default"
	}
	return src(host) == src(probe)
}

// TestCorpusClientHost runs enable --host for hosts of every real-world
// client config (its first Host names and a new one): the real ssh -G must
// give that host the new value and leave the general value alone, and
// disable must restore a file that had no keep-alives.
func TestCorpusClientHost(t *testing.T) {
	ssh := testenv.Tool(t, "ssh")
	for _, src := range testenv.CorpusFiles(t, "client") {
		orig, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(bytes.ToLower(orig), []byte("exec")) {
			continue // ssh -G would run the command
		}
		hosts := concreteHosts(orig)
		if len(hosts) > 4 {
			hosts = hosts[:4]
		}
		for _, host := range append(hosts, "new-host") {
			t.Run(filepath.Base(src)+"/"+host, func(t *testing.T) {
				sc := clientScope(t, host, string(orig), nil)
				home, main, probe := sc.Opts.Home, sc.Main(), ProbeHost("*")
				before, ok := sshG(t, ssh, home, main, probe)
				if !ok {
					return // ssh rejects the file as it is (see SOURCES.tsv): nothing to compare
				}
				p := Enable(sc, []Setting{{Key: sshconf.ServerAliveInterval, Value: "177"}, {Key: sshconf.ServerAliveCountMax, Value: "5"}})
				if len(p.Shadowed) > 0 {
					t.Fatalf("shadowed: %v", p.Shadowed)
				}
				os.WriteFile(main, p.Files[main].Bytes(), 0o600)
				got, _ := sshG(t, ssh, home, main, host)
				if got["serveraliveinterval"] != "177" || got["serveralivecountmax"] != "5" {
					t.Errorf("ssh -G %s: %s/%s, want 177/5", host, got["serveraliveinterval"], got["serveralivecountmax"])
				}
				after, _ := sshG(t, ssh, home, main, probe)
				for _, k := range []string{"serveraliveinterval", "serveralivecountmax"} {
					if after[k] != before[k] {
						t.Errorf("the general %s changed from %s to %s", k, before[k], after[k])
					}
				}
				if again := Enable(sc, []Setting{{Key: sshconf.ServerAliveInterval, Value: "177"}, {Key: sshconf.ServerAliveCountMax, Value: "5"}}); len(again.Changed()) != 0 {
					t.Errorf("second enable --host changes %v", again.Changed())
				}
				d := Disable(sc, []string{sshconf.ServerAliveInterval, sshconf.ServerAliveCountMax})
				if !bytes.Equal(d.Files[main].Bytes(), orig) {
					t.Errorf("disable did not restore the file:\n%s", d.Files[main].Bytes())
				}
			})
		}
	}
}

package resolve

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/sshconf"
	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// NoProblems leaves out only Problems and Version: an evaluation with it
// has the same occurrences, the same Incomplete and stops at the same
// place, whatever the Match lines (refused, quoted, Match all, LocalPort,
// in an Include) and the connection.
func TestNoProblemsSame(t *testing.T) {
	dir := t.TempDir()
	tricky := `PidFile /run/a.pid
ClientAliveInterval 10
Include ` + strings.ReplaceAll(filepath.Join(dir, "inc.conf"), `\`, `\\`) + `
Match User bob Address 10.0.0.0/8
  ClientAliveInterval 20
Match User=carol
  ClientAliveCountMax 5
Match "all"
  ClientAliveInterval 30
Match LocalPort 2222
  ClientAliveInterval 40
Match Address 10.0.1.0/8
  ClientAliveInterval 50
Match User
  ClientAliveInterval 55
Match Version OpenSSH_9*
  PidFile /run/b.pid
  ClientAliveCountMax 6
Match Group staff,!wheel User b\ob
  ClientAliveInterval 60
  Port 2
  NoSuchKeyword yes
Match all
  ClientAliveCountMax 7
`
	inc := "Match User dave\n  ClientAliveInterval 70\nMatch all\n  PidFile /run/c.pid\n"
	if err := os.WriteFile(filepath.Join(dir, "inc.conf"), []byte(inc), 0o644); err != nil {
		t.Fatal(err)
	}
	configs := map[string]string{"tricky": tricky, "fleet": string(testenv.SshdConfig(300))}
	for _, c := range testenv.CorpusTexts(t, "server") {
		configs[c.Name] = c.Text
	}
	conns := []*Conn{nil, {User: "bob", Addr: "10.1.2.3"}, {User: "carol", LPort: "2222"}, {User: "svc3", Groups: []string{"staff"}}}
	for name, body := range configs {
		path := filepath.Join(dir, "sshd_config")
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, v := range []Version{{}, {Major: 9, Minor: 2}, {Major: 10, Minor: 0}} {
			for _, c := range conns {
				opts := Options{Dialect: sshconf.Server, Files: []Input{{Path: path}}, Conn: c,
					Version: func() Version { return v }}
				full := Resolve(opts)
				if name == "tricky" && len(full.Docs) != 2 {
					t.Fatalf("tricky: read %d files, want sshd_config and inc.conf: %v", len(full.Docs), full.Problems)
				}
				opts.NoProblems = true
				quiet := Resolve(opts)
				if got, want := summary(quiet), summary(full); got != want {
					t.Errorf("%s, %s, conn %+v: with NoProblems\n%s\nwant\n%s", name, v, c, got, want)
				}
				if len(quiet.Problems) > 0 && quiet.Stopped == nil {
					t.Errorf("%s: NoProblems reports %v", name, quiet.Problems)
				}
			}
		}
	}
}

// summary prints what an edit reads of a Result.
func summary(r *Result) string {
	var b strings.Builder
	for _, o := range r.Occurrences {
		h := ""
		if o.Header != nil {
			h = o.Header.Raw
		}
		fmt.Fprintln(&b, o.Pos(), o.Key, o.State, o.Pass, strings.TrimSpace(h), o.Depth)
	}
	for _, d := range r.Docs {
		fmt.Fprintln(&b, "doc", d.Path)
	}
	fmt.Fprintln(&b, "incomplete", r.Incomplete, "stopped", r.Stopped)
	return b.String()
}

// mayBeAllOrLocalPort is the three tests it replaces, in one pass.
func TestMayBeAllOrLocalPort(t *testing.T) {
	lines := []string{"Match User bob\n", "Match ALL\n", "Match aLl", "match user=al", "Match User a\\ll",
		"Match LocalPort 22", "Match localPORT=22", "Match User 'x'", "Match User \"x\"", "Match Host localpor",
		"Match Address 10.0.0.0/8 # all", "", "al", "LOCALPORT", "Match Group staff,!wheel"}
	alphabet := "aAlLlLoOcCpPrRtT \"'\\#=x"
	seed := uint32(1)
	for n := 0; n < 20000; n++ {
		b := make([]byte, n%24)
		for i := range b {
			seed = seed*1664525 + 1013904223
			b[i] = alphabet[int(seed>>8)%len(alphabet)]
		}
		lines = append(lines, string(b))
	}
	for _, s := range lines {
		want := strings.ContainsAny(s, "\"'\\") || containsFold(s, "all") || containsFold(s, "localport")
		if got := mayBeAllOrLocalPort(s); got != want {
			t.Errorf("mayBeAllOrLocalPort(%q) = %v, want %v", s, got, want)
		}
	}
}

// lowerCriterion is strings.ToLower, and knows every criterion.
func TestLowerCriterion(t *testing.T) {
	for _, table := range []map[string][2]int{clientCriteria, serverCriteria} {
		for name := range table {
			for _, s := range []string{name, strings.ToUpper(name), strings.ToUpper(name[:1]) + name[1:]} {
				if got := lowerCriterion(s); got != name {
					t.Errorf("lowerCriterion(%q) = %q, want %q", s, got, name)
				}
			}
		}
	}
	for _, s := range []string{"\u212Aey", "uſer", "User\r", "invalid\ruser", "Üser", "", "-", "ALL=", "hosT"} {
		if got, want := lowerCriterion(s), strings.ToLower(s); got != want {
			t.Errorf("lowerCriterion(%q) = %q, want %q", s, got, want)
		}
	}
}

// BenchmarkResolveServer evaluates a parsed sshd_config with n Match
// blocks (testenv.SshdConfig) as a server edit does: without a
// connection, recording the keep-alive keywords and PidFile, with
// NoProblems ("edit") or without ("show").
func BenchmarkResolveServer(b *testing.B) {
	for _, n := range testenv.FleetSizes {
		const path = "/bench/sshd_config"
		opts := Options{
			Dialect:  sshconf.Server,
			Files:    []Input{{Path: path}},
			Override: map[string]*sshconf.File{path: sshconf.Parse(testenv.SshdConfig(n))},
			Keys:     []string{sshconf.ClientAliveInterval, sshconf.ClientAliveCountMax, "pidfile"},
		}
		for _, quiet := range []bool{true, false} {
			name := "show/"
			if quiet {
				name = "edit/"
			}
			opts.NoProblems = quiet
			b.Run(name+strconv.Itoa(n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					Resolve(opts)
				}
			})
		}
	}
}

// TestNoProblemsSameClient: a client evaluation without its problems has
// the same occurrences, files, Incomplete and Stopped, for hosts that do
// and do not match the files' blocks, on the corpus and a fleet.
func TestNoProblemsSameClient(t *testing.T) {
	dir := t.TempDir()
	fleet := testenv.FleetConfig(300, filepath.Join(dir, "fleet.d"))
	if err := os.MkdirAll(filepath.Join(dir, "fleet.d"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, b := range fleet.Included {
		if err := os.WriteFile(filepath.Join(dir, "fleet.d", name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	configs := map[string]string{"fleet": string(fleet.Main),
		"tricky": "Host *.example.com\n  ServerAliveInterval 10\nMatch host \"a b\" user=bob\n  ServerAliveCountMax 3\nBogusKeyword x\nMatch exec true\n  ServerAliveInterval 20\nHost nomatch\n  ProtocolKeepAlives 7\n  SETUPTIMEOUT 9\n  serveralivecountmax 4\n  \u212Aeepalive yes\n  Hostname x\n  CanonicalizeHostname yes\n" +
			"Host *\n  ServerAliveInterval 30\n"}
	for _, c := range testenv.CorpusTexts(t, "client") {
		configs[c.Name] = c.Text
	}
	for name, body := range configs {
		path := filepath.Join(dir, "config")
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, v := range []Version{{}, {Major: 9, Minor: 2}, {Major: 9, Minor: 9}} {
			for _, host := range []string{"keepalive-probe.invalid", "host7", "a.example.com"} {
				opts := Options{Dialect: sshconf.Client, Files: []Input{{Path: path, User: true}}, Home: dir, Host: host,
					Keys:    []string{sshconf.ServerAliveInterval, sshconf.ServerAliveCountMax},
					Version: func() Version { return v }}
				full := Resolve(opts)
				opts.NoProblems = true
				quiet := Resolve(opts)
				if got, want := summary(quiet), summary(full); got != want {
					t.Errorf("%s, %s, host %s: with NoProblems\n%s\nwant\n%s", name, v, host, got, want)
				}
			}
		}
	}
}

// TestAliasSpellingsComplete: the walk's quick test of a keyword (see
// quickKeys) looks up every alias spelling; any keyword of the release
// tables that Canon maps to another, in any dialect, must be one of them.
func TestAliasSpellingsComplete(t *testing.T) {
	aliases := sshconf.AliasSpellings()
	var names []string
	for _, table := range []map[string]keywordInfo{clientKeywords, serverKeywords} {
		for k := range table {
			names = append(names, k)
		}
	}
	for _, table := range []map[string]bool{debianClientKeywords, debianServerKeywords} {
		for k := range table {
			names = append(names, k)
		}
	}
	for _, k := range append(names, aliases...) {
		isAlias := false
		for _, d := range []sshconf.Dialect{sshconf.Client, sshconf.Server, {DebianSetupTimeOut: true}} {
			isAlias = isAlias || d.Canon(k) != k
		}
		if isAlias != slices.Contains(aliases, k) {
			t.Errorf("%s: Canon makes it an alias: %v; in AliasSpellings: %v", k, isAlias, !isAlias)
		}
	}
}

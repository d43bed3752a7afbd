package report

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/resolve"
	"github.com/keepalive-ssh/keepalive/internal/sshconf"
	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// generalThenOtherSlow is generalHeaders's answer by definition, without
// the checks that rule lines out by their first bytes.
func generalThenOtherSlow(f *sshconf.File) bool {
	general := false
	for _, l := range f.Lines {
		if !sshconf.IsHeader(l) {
			continue
		}
		if isGeneralSlow(l) {
			general = true
		} else if general {
			return true
		}
	}
	return false
}

// isGeneralSlow is isGeneral by definition.
func isGeneralSlow(h *sshconf.Line) bool {
	if h == nil || sshconf.IsHostAll(h) {
		return true
	}
	if h.Is("Host") {
		for _, p := range h.Args() {
			if p != "*" {
				return false
			}
		}
		return len(h.Args()) > 0
	}
	if !h.Is("Match") || len(h.Args()) == 0 {
		return false
	}
	for _, a := range h.Args() {
		if !strings.EqualFold(a, "all") && !strings.EqualFold(a, "final") {
			return false
		}
	}
	return true
}

// TestGeneralThenOther: the quick checks of generalThenOther and isGeneral
// decide as the definitions do, for every pair of header spellings (case,
// Unicode folding, arguments that look general or not) and for the corpus.
func TestGeneralThenOther(t *testing.T) {
	headers := []string{
		"Host *", "host *", "HOST * *", "Host * !bad", "Host a", "Host", `Host ""`, "Host *.example.com",
		"Hoſt *", "Hoſt a", "Match all", "MATCH ALL", "match Final", "Match all final", "Match final all",
		"Match host a", "Match", "Match allx", "Match !all", "Match aLL host a", "Match fin", "Mátch all",
		"HostName *", "Matches all", "Ma all", "Hos *", "User *", "Port all", "Include *", "Mat\u0441h all",
	}
	var files []string
	for _, a := range headers {
		for _, b := range headers {
			files = append(files, a+"\n  ServerAliveInterval 5\n"+b+"\n  ServerAliveInterval 7\n")
		}
	}
	for _, c := range testenv.CorpusTexts(t, "client") {
		files = append(files, c.Text)
	}
	positive := 0
	for _, text := range files {
		f := sshconf.ParseString(text)
		want := generalThenOtherSlow(f)
		if got := generalThenOther(f); got != want {
			t.Errorf("generalThenOther = %v, want %v, for:\n%s", got, want, text)
		}
		for i, l := range f.Lines {
			if isHeader(l) != sshconf.IsHeader(l) {
				t.Errorf("line %d %q: isHeader %v", i+1, l.Raw, isHeader(l))
			}
			if sshconf.IsHeader(l) && isGeneral(l) != isGeneralSlow(l) {
				t.Errorf("line %d %q: isGeneral %v, want %v", i+1, l.Raw, isGeneral(l), isGeneralSlow(l))
			}
		}
		if want {
			positive++
		}
	}
	if positive == 0 || positive == len(files) {
		t.Errorf("%d of %d files have a general block before another: the cases do not tell", positive, len(files))
	}
}

// TestGeneralFirstSuspects: generalFirst, looking only at the files
// generalBlocks suspects, reports what it reports looking at every file,
// and generalBlocks' headers are the general ones; on configs with general
// blocks before others (aliases, a line ssh rejects, an Include inside,
// Unicode folding, Match all/final) and on the corpus.
func TestGeneralFirstSuspects(t *testing.T) {
	configs := []string{
		"Host *\n  ServerAliveInterval 5\nHost a\n  ServerAliveInterval 7\n",
		"Host *\n  ServerAliveInterval\nHost a\n  ServerAliveCountMax 2\n",
		"Host *\n  ServerAliveInterval \"5\nHost a\n",
		"Match all\n  SetupTimeOut 5\nHost a\n  SetupTimeOut 7\n",
		"Host *\n  ProtocolKeepAlives 5\nHost b\n",
		"Host *\n  Include INC\n  User x\nHost x\n  ServerAliveInterval 2\n",
		"Host *\n  Include INC\n  ServerAliveInterval 3\nHost x\n",
		"Hoſt *\n  ServerAliveInterval 5\nHost a\n",
		"Match final all\n  TCPKeepAlive no\nMatch host x\n  ServerAliveInterval 2\n",
		"Host * !a\n  ServerAliveInterval 5\nHost a\n  ServerAliveInterval 6\n",
		"Host *\n  User u\nHost a\n  ServerAliveInterval 6\n",
		"Host a\n  ServerAliveInterval 1\nHost *\n  ServerAliveInterval 5\nHost b\n  ServerAliveInterval 2\n",
		"Host a\n  ServerAliveInterval 1\nHost *\n  ServerAliveInterval 5\nMatch all\n  TCPKeepAlive no\n",
		"Host *\n  TCPKeepAlive no\n  ServerAliveInterval 5\nHost *\n  ServerAliveInterval 5\n\n\nMATCH host a\n",
		"ServerAliveInterval 1\nHost *\n  ServerAliveCountMax 5\n",
		"Match exec true all\n  ServerAliveInterval 5\nHost *\n  ServerAliveInterval 9\nHost a\n",
	}
	for _, c := range testenv.CorpusTexts(t, "client") {
		configs = append(configs, c.Text)
	}
	reports := 0
	for _, text := range configs {
		dir := t.TempDir()
		inc := filepath.Join(dir, "inc.conf")
		if err := os.WriteFile(inc, []byte("Host *\n  ServerAliveCountMax 4\nHost y\n  TCPKeepAlive no\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "config")
		if err := os.WriteFile(path, []byte(strings.ReplaceAll(text, "INC", inc)), 0o600); err != nil {
			t.Fatal(err)
		}
		for _, host := range []string{"a", "x", "nomatch"} {
			opts := resolve.Options{Dialect: sshconf.Client, Files: []resolve.Input{{Path: path, User: true}}, Host: host, Keys: []string{"batchmode"}}
			for _, k := range clientKeys {
				opts.Keys = append(opts.Keys, k.key)
			}
			res := resolve.Resolve(opts)
			general, suspects := generalBlocks(res)
			every := map[*resolve.Doc]bool{}
			for _, d := range res.Docs {
				every[d] = true
			}
			got, want := &Report{}, &Report{}
			generalFirst(got, sshconf.Client, res, suspects)
			generalFirst(want, sshconf.Client, res, every)
			if fmt.Sprint(got.Warnings) != fmt.Sprint(want.Warnings) {
				t.Errorf("host %s: generalFirst on the suspects says %v, on every file %v, for:\n%s", host, got.Warnings, want.Warnings, text)
			}
			reports += len(want.Warnings)
			for _, o := range res.Occurrences {
				if o.Header != nil && isClientKey(o.Key) && general[o.Header] != isGeneralSlow(o.Header) {
					t.Errorf("%s: general %v, want %v", o.Pos(), general[o.Header], isGeneralSlow(o.Header))
				}
			}
		}
	}
	if reports == 0 {
		t.Error("no config has a general block before others: the cases do not tell")
	}
}

// BenchmarkGeneralThenOther is the look at every line of a fleet's main
// file for a general block before others (files generalBlocks suspects).
func BenchmarkGeneralThenOther(b *testing.B) {
	for _, n := range testenv.FleetSizes {
		f := sshconf.ParseString(string(testenv.FleetConfig(n, "/conf.d").Main))
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				if generalThenOther(f) {
					b.Fatal("the fleet has its general block at the end")
				}
			}
		})
	}
}

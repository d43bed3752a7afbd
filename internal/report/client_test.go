package report

import (
	"os"
	"strconv"
	"strings"
	"testing"

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

// TestGeneralHeaders: the quick checks of generalHeaders and isGeneral
// decide as the definitions do, for every pair of header spellings (case,
// Unicode folding, arguments that look general or not) and for the corpus.
func TestGeneralHeaders(t *testing.T) {
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
	for _, path := range testenv.CorpusFiles(t, "client") {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, string(data))
	}
	positive := 0
	for _, text := range files {
		f := sshconf.ParseString(text)
		want := generalThenOtherSlow(f)
		general := map[*sshconf.Line]bool{}
		if got := generalHeaders(f, general); got != want {
			t.Errorf("generalHeaders = %v, want %v, for:\n%s", got, want, text)
		}
		for i, l := range f.Lines {
			want := sshconf.IsHeader(l) && isGeneralSlow(l)
			if general[l] != want || sshconf.IsHeader(l) && isGeneral(l) != want {
				t.Errorf("line %d %q: general %v, isGeneral %v, want %v", i+1, l.Raw, general[l], isGeneral(l), want)
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

// BenchmarkGeneralHeaders is the look at every line of a fleet's main
// file for general blocks.
func BenchmarkGeneralHeaders(b *testing.B) {
	for _, n := range testenv.FleetSizes {
		f := sshconf.ParseString(string(testenv.FleetConfig(n, "/conf.d").Main))
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				if generalHeaders(f, map[*sshconf.Line]bool{}) {
					b.Fatal("the fleet has its general block at the end")
				}
			}
		})
	}
}

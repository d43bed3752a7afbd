package report

import (
	"os"
	"strconv"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/sshconf"
	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// generalThenOtherSlow is generalThenOther by definition, without the
// checks that rule lines out by their first bytes.
func generalThenOtherSlow(f *sshconf.File) bool {
	general := false
	for _, l := range f.Lines {
		if !sshconf.IsHeader(l) {
			continue
		}
		if isGeneral(l) {
			general = true
		} else if general {
			return true
		}
	}
	return false
}

// TestGeneralThenOther: the quick checks decide as the definition does,
// for every pair of header spellings (case, Unicode folding, arguments
// that look general or not) and for the corpus.
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
		if got := generalThenOther(f); got != want {
			t.Errorf("generalThenOther = %v, want %v, for:\n%s", got, want, text)
		}
		if want {
			positive++
		}
	}
	if positive == 0 || positive == len(files) {
		t.Errorf("%d of %d files have a general block before another: the cases do not tell", positive, len(files))
	}
}

// BenchmarkGeneralThenOther is the look at every line of a fleet's main
// file for a general block before others.
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

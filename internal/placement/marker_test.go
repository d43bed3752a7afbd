package placement

import (
	"os"
	"strings"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

func TestMarkerRoundTrip(t *testing.T) {
	for _, m := range []Marker{
		{Added: true, Now: "ServerAliveInterval 60"},
		{Was: "\tServerAliveInterval=\"120\"  # mine, \\ and \"quotes\"", Now: "ServerAliveInterval=60  # mine"},
		{Was: "  ProtocolKeepAlives 30\r", Now: "ProtocolKeepAlives 60"},
		{Was: "ServerAliveInterval \xff\xfe 9", Now: "ServerAliveInterval 60"},
		{Added: true, Now: "Host *", BlankAbove: true},
		{Added: true, Now: "Host web", BlankAfter: true},
	} {
		text := m.Text("  ")
		if strings.ContainsAny(text, "\r\n") {
			t.Fatalf("marker %q has a line break", text)
		}
		if l := sshconf.Parse([]byte(text + "\n")).Lines[0]; l.Kind != sshconf.Comment {
			t.Fatalf("marker %q is not a whole-line comment to OpenSSH", text)
		}
		got, ok := ParseMarker(text)
		if !ok || got != m {
			t.Errorf("ParseMarker(%q) = %+v, %v; want %+v", text, got, ok, m)
		}
	}
	for _, bad := range []string{
		"# keepalive added \"x\"",
		"# keepalive: added x",
		"# keepalive: changed \"a\"",
		"# keepalive: added \"x\" and more",
		"# a comment about keepalive: added \"x\"",
	} {
		if m, ok := ParseMarker(bad); ok {
			t.Errorf("ParseMarker(%q) = %+v, want no marker", bad, m)
		}
	}
}

// TestUndo: enable, a second enable with another value, then disable give
// back the original bytes, whatever the file's line endings, byte-order
// mark, final newline or keep-alive lines; a line the user changed after
// keepalive wrote it stays.
func TestUndo(t *testing.T) {
	keys := []string{sshconf.ServerAliveInterval, sshconf.ServerAliveCountMax}
	set := func(interval, count string) []Setting {
		return []Setting{{Key: sshconf.ServerAliveInterval, Value: interval}, {Key: sshconf.ServerAliveCountMax, Value: count}}
	}
	for _, tt := range []struct {
		name, host, in string
	}{
		{"missing", "*", ""},
		{"CRLF without final newline", "*", "Host a\r\n  User x"},
		{"BOM and a keep-alive on the first line", "*", "\uFEFFServerAliveInterval 30\r\nHost a\r\n  User x\r\n"},
		{"lone CR at the end", "*", "Host a\n  User x\r"},
		{"user's values with a trailing comment and Key=Value", "*", "Host *\n\tserveraliveinterval=120 # mine\n\tServerAliveCountMax = 9\n"},
		{"Debian alias", "*", "Host *\n  ProtocolKeepAlives 30\n"},
		{"Match all block", "*", "Host a\n  User x\n\nMatch all\n  ServerAliveInterval 15\n"},
		{"host block above commented blocks", "web", "User me\n\n# work\nHost *.work\n  User w\n\n# the rest\nHost *\n  ServerAliveInterval 200\n"},
		{"host's own count", "jump", "Host jump\n  ServerAliveInterval 15\n  ServerAliveCountMax 5\nHost *\n  User x\n"},
		{"host above leading lines", "web", "# mine\nServerAliveInterval 60\nHost x\n  User y\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sc := clientScope(t, tt.host, tt.in, nil)
			main := sc.Main()
			p := Enable(sc, set("45", "3"))
			if len(p.Shadowed) > 0 {
				t.Fatalf("shadowed: %v", p.Shadowed)
			}
			os.WriteFile(main, p.Files[main].Bytes(), 0o600)
			p = Enable(sc, set("75", "4"))
			os.WriteFile(main, p.Files[main].Bytes(), 0o600)
			if again := Enable(sc, set("75", "4")); len(again.Changed()) != 0 {
				t.Errorf("third enable changes %v", again.Changed())
			}
			d := Disable(sc, keys)
			got := string(d.Files[main].Bytes())
			if d.Remove[main] {
				got = "" // the file keepalive created, removed (in "" is a missing file)
				if tt.in != "" {
					t.Errorf("disable removes the file")
				}
			}
			if got != tt.in {
				t.Fatalf("disable gave\n%q\nwant the original\n%q\nafter enable:\n%s", got, tt.in, p.Files[main].Bytes())
			}
			if len(d.Kept) != 0 {
				t.Errorf("Kept = %+v, want none: every line was keepalive's or restored", d.Kept)
			}
		})
	}
}

func TestUndoKeepsUserEdits(t *testing.T) {
	in := "Host *\n  ServerAliveInterval 120\n"
	sc := clientScope(t, "*", in, nil)
	main := sc.Main()
	p := Enable(sc, []Setting{{Key: sshconf.ServerAliveInterval, Value: "60"}, {Key: sshconf.ServerAliveCountMax, Value: "2"}})
	edited := strings.Replace(string(p.Files[main].Bytes()), "  ServerAliveCountMax 2\n", "  ServerAliveCountMax 7\n", 1)
	os.WriteFile(main, []byte(edited), 0o600)
	d := Disable(sc, []string{sshconf.ServerAliveInterval, sshconf.ServerAliveCountMax})
	want := "Host *\n  ServerAliveInterval 120\n  ServerAliveCountMax 7\n"
	if got := string(d.Files[main].Bytes()); got != want {
		t.Fatalf("disable gave\n%q\nwant the 120 back and the user's 7 kept\n%q", got, want)
	}
	if len(d.Kept) != 1 || d.Kept[0].Why != KeptEdited || !strings.HasSuffix(d.Kept[0].Pos, "config:3") {
		t.Errorf("Kept = %+v, want config:3 changed since keepalive set it", d.Kept)
	}
	if got := d.Describe(main); got != "restored ServerAliveInterval 120 (was 60) in Host *" {
		t.Errorf("Describe = %q", got)
	}
	// --all removes the user's lines too.
	os.WriteFile(main, []byte(want), 0o600)
	a := DisableAll(sc, []string{sshconf.ServerAliveInterval, sshconf.ServerAliveCountMax})
	if got := string(a.Files[main].Bytes()); got != "" {
		t.Errorf("disable --all gave %q, want every keep-alive (and the emptied Host *) gone", got)
	}
}

func TestEnableDefaultKeepsValues(t *testing.T) {
	def := []Setting{{Key: sshconf.ServerAliveInterval, Value: "60", Default: true}, {Key: sshconf.ServerAliveCountMax, Value: "2", Default: true}}
	for _, tt := range []struct {
		name, in, want string
		kept           int
	}{
		{"a value in effect stays", "Host *\n  ServerAliveInterval 30\n", "Host *\n  ServerAliveInterval 30\n", 1},
		{"off is turned on", "Host *\n  ServerAliveInterval 0\n",
			"Host *\n  # keepalive: changed \"  ServerAliveInterval 0\" to \"ServerAliveInterval 60\"\n  ServerAliveInterval 60\n  # keepalive: added \"ServerAliveCountMax 2\"\n  ServerAliveCountMax 2\n", 0},
		{"a count alone stays, the interval is added to its block", "Host *\n  ServerAliveCountMax 5\n",
			"Host *\n  ServerAliveCountMax 5\n  # keepalive: added \"ServerAliveInterval 60\"\n  ServerAliveInterval 60\n", 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sc := clientScope(t, "*", tt.in, nil)
			p := Enable(sc, def)
			if got := string(p.Files[sc.Main()].Bytes()); got != tt.want || len(p.Kept) != tt.kept || len(p.Shadowed) > 0 {
				t.Fatalf("got (kept %+v, shadowed %v)\n%q\nwant\n%q", p.Kept, p.Shadowed, got, tt.want)
			}
		})
	}
}

// A file enable created starts with CreatedMarker and goes again with
// disable once nothing else is left in it; a file the user had stays,
// even an empty one.
func TestCreatedFile(t *testing.T) {
	keys := []string{sshconf.ServerAliveInterval, sshconf.ServerAliveCountMax}
	set := []Setting{{Key: sshconf.ServerAliveInterval, Value: "60"}, {Key: sshconf.ServerAliveCountMax, Value: "2"}}
	write := func(p *Plan, path string) {
		if err := os.WriteFile(path, p.Files[path].Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
	}

	// Missing: created with the marker, which stays first when a host
	// block goes above the general one, and the file goes with disable.
	sc := clientScope(t, "*", "", nil)
	main := sc.Main()
	p := Enable(sc, set)
	if got := string(p.Files[main].Bytes()); !strings.HasPrefix(got, CreatedMarker+"\n# keepalive: added \"Host *\"\n") || p.Remove[main] {
		t.Fatalf("enable on a missing file:\n%s", got)
	}
	write(p, main)
	web := sc
	web.Host = "web"
	p = Enable(web, set)
	if got := string(p.Files[main].Bytes()); !strings.HasPrefix(got, CreatedMarker+"\n# keepalive: added \"Host web\"\n") {
		t.Fatalf("enable --host web:\n%s", got)
	}
	write(p, main)
	write(Disable(web, keys), main)
	d := Disable(sc, keys)
	if got := string(d.Files[main].Bytes()); got != CreatedMarker+"\n" || !d.Remove[main] || len(d.Changed()) != 1 {
		t.Errorf("disable: remove %v, left\n%q", d.Remove[main], got)
	}
	if d = DisableAll(sc, keys); !d.Remove[main] {
		t.Errorf("disable --all: the file keepalive created is not removed")
	}

	// The user added a line since: the file is theirs too and stays, the
	// marker with it.
	os.WriteFile(main, append(Enable(sc, set).Files[main].Bytes(), "Host x\n  User me\n"...), 0o600)
	d = Disable(sc, keys)
	if got := string(d.Files[main].Bytes()); got != CreatedMarker+"\nHost x\n  User me\n" || d.Remove[main] {
		t.Errorf("disable with the user's lines: remove %v, left\n%q", d.Remove[main], got)
	}

	// An empty file the user had: no marker, and it stays, empty.
	os.WriteFile(main, nil, 0o600)
	p = Enable(sc, set)
	if got := string(p.Files[main].Bytes()); strings.Contains(got, CreatedMarker) {
		t.Errorf("enable on the user's empty file:\n%s", got)
	}
	write(p, main)
	d = Disable(sc, keys)
	if got := string(d.Files[main].Bytes()); got != "" || d.Remove[main] {
		t.Errorf("disable on the user's empty file: remove %v, left %q", d.Remove[main], got)
	}

	// Nothing to write to a missing file: nothing created.
	sc = clientScope(t, "*", "", map[string]string{".ssh/other": ""})
	if p := Enable(sc, nil); len(p.Changed()) != 0 {
		t.Errorf("enable with nothing to set changes %v", p.Changed())
	}
	if d := Disable(sc, keys); len(d.Changed()) != 0 || d.Remove[sc.Main()] {
		t.Errorf("disable on a missing file changes %v", d.Changed())
	}

	// The marker is exact: a changed one is the user's comment.
	for _, in := range []string{"# keepalive: created this file too\n", "  # keepalive: created this file\n", "Host x\n# keepalive: created this file\n"} {
		sc := clientScope(t, "*", in, nil)
		write(Enable(sc, set), sc.Main())
		if d := Disable(sc, keys); d.Remove[sc.Main()] || string(d.Files[sc.Main()].Bytes()) != in {
			t.Errorf("%q: remove %v, left %q", in, d.Remove[sc.Main()], d.Files[sc.Main()].Bytes())
		}
	}
}

package putty

import (
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

func TestEscapeFileName(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"my server", "my%20server"},
		{"Default Settings", "Default%20Settings"},
		{"", "Default%20Settings"}, // PuTTY: no name is Default Settings
		{"user@host.example.com", "user@host.example.com"},
		{"A-Z_a+z.0-9", "A-Z_a+z.0-9"},
		{".hidden", ".hidden"}, // a leading dot stays on Unix
		{"..", ".."},
		{"a/b", "a%2Fb"},
		{"100%", "100%25"},
		{"~user", "%7Euser"},
		{"a=b", "a%3Db"},
		{"tab\there", "tab%09here"},
		{"new\nline", "new%0Aline"},
		{"Bücher", "B%C3%BCcher"}, // bytes, not runes
		{"日本", "%E6%97%A5%E6%9C%AC"},
		{"\x7f\xff", "%7F%FF"},
		{"(x)[y]{z}", "%28x%29%5By%5D%7Bz%7D"},
	} {
		if got := EscapeFileName(tt.in); got != tt.want {
			t.Errorf("EscapeFileName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestEscapeRegistryKey(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"my server", "my%20server"},
		{"Default Settings", "Default%20Settings"},
		{".hidden", "%2Ehidden"}, // only a leading dot is escaped
		{"..", "%2E."},
		{"a.b", "a.b"},
		{`a\b*c?d%e`, "a%5Cb%2Ac%3Fd%25e"},
		{"a/b", "a/b"}, // '/' is fine in a registry key name
		{"~(x)=[y]", "~(x)=[y]"},
		{"tab\there", "tab%09here"},
		{"Bücher", "B%C3%BCcher"},
		{"\x7f", "%7F"},
	} {
		if got := EscapeRegistryKey(tt.in); got != tt.want {
			t.Errorf("EscapeRegistryKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// PuTTY's decoding is arithmetic on whatever follows '%'; these pin the
// odd cases, which decide which files are sessions PuTTY can load.
func TestUnescapeLikePuTTY(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"my%20server", "my server"},
		{"B%C3%BCcher", "Bücher"},
		{"%2Ehidden", ".hidden"},
		{"a%2fb", "aOb"},   // lower-case hex: 2<<4 + ('f'-'0'-7)
		{"abc%2", "abc%2"}, // too short: kept
		{"abc%", "abc%"},
		{"%", "%"},
		{"%%41", "T1"}, // '%' as a digit: ((37-48)<<4 + 4) & 0xff
		{"plain", "plain"},
	} {
		if got := UnescapeFileName(tt.in); got != tt.want {
			t.Errorf("UnescapeFileName(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := UnescapeRegistryKey(tt.in); got != tt.want {
			t.Errorf("UnescapeRegistryKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestEscapeRoundTrip(t *testing.T) {
	names := []string{"my server", "Default Settings", ".x", "..", "%", "%%", "%41", "a/b", "Bücher", "\x00\x01", "日本語 session"}
	for b := 0; b < 256; b++ {
		names = append(names, string([]byte{byte(b)}), "x"+string([]byte{byte(b)})+"y")
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		b := make([]byte, r.IntN(12)+1)
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		names = append(names, string(b))
	}
	for _, name := range names {
		if got := UnescapeFileName(EscapeFileName(name)); got != name {
			t.Errorf("file round trip of %q gives %q", name, got)
		}
		if got := UnescapeRegistryKey(EscapeRegistryKey(name)); got != name {
			t.Errorf("registry round trip of %q gives %q", name, got)
		}
		if strings.ContainsAny(EscapeFileName(name), "/ \x00") {
			t.Errorf("EscapeFileName(%q) = %q is not a plain file name", name, EscapeFileName(name))
		}
	}
}

func FuzzEscapeRoundTrip(f *testing.F) {
	for _, s := range []string{"my server", ".x", "%", "a/b", "Bücher"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if name == "" {
			return
		}
		if got := UnescapeFileName(EscapeFileName(name)); got != name {
			t.Errorf("file round trip of %q gives %q", name, got)
		}
		if got := UnescapeRegistryKey(EscapeRegistryKey(name)); got != name {
			t.Errorf("registry round trip of %q gives %q", name, got)
		}
	})
}

// TestEscapeMatchesPlink asks the real plink which file it loads a session
// from: each session file names a different host, and plink -v says which
// host it looks up before failing to resolve it.
func TestEscapeMatchesPlink(t *testing.T) {
	plink := testenv.Tool(t, "plink")
	home := t.TempDir()
	dir := filepath.Join(home, ".putty", "sessions")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	names := []string{"my server", "a/b:c", "100% sure", "Bücher", ".dotted", "x=y~z", "tab\tname"}
	for i, name := range names {
		host := "host" + string(rune('a'+i)) + ".invalid"
		if err := os.WriteFile(filepath.Join(dir, EscapeFileName(name)), []byte("HostName="+host+"\nPortNumber=1\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for i, name := range names {
		host := "host" + string(rune('a'+i)) + ".invalid"
		cmd := exec.Command(plink, "-v", "-batch", "-load", name, "true")
		cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH")}
		out, _ := cmd.CombinedOutput()
		if !strings.Contains(string(out), `Looking up host "`+host+`"`) {
			t.Errorf("plink -load %q did not load %s:\n%s", name, EscapeFileName(name), out)
		}
	}
}

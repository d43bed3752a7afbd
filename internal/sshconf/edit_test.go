package sshconf

import (
	"fmt"
	"testing"
)

func TestSetValue(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ServerAliveInterval 60\n", "ServerAliveInterval 300\n"},
		{"  serveraliveinterval=60\r\n", "  serveraliveinterval=300\r\n"},
		{"ServerAliveInterval = 60   # warm\n", "ServerAliveInterval = 300   # warm\n"},
		{"ServerAliveInterval\t\"60\"", "ServerAliveInterval\t300"},
		{"ServerAliveInterval\n", "ServerAliveInterval 300\n"},
	}
	for _, tt := range tests {
		f := Parse([]byte(tt.in))
		f.SetValue(0, "300")
		if got := string(f.Bytes()); got != tt.want {
			t.Errorf("SetValue on %q = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestInsertRemoveRestores(t *testing.T) {
	tests := []struct {
		in   string
		at   int
		want string
	}{
		{"Host a\n  User x\n", 2, "Host a\n  User x\nHost *\n  K 1\n"},
		{"Host a\r\n  User x", 2, "Host a\r\n  User x\r\nHost *\r\n  K 1"},
		{"", 0, "Host *\n  K 1\n"},
		{"Host a\n", 0, "Host *\n  K 1\nHost a\n"},
	}
	for _, tt := range tests {
		f := Parse([]byte(tt.in))
		f.Insert(tt.at, "Host *", "  K 1")
		if got := string(f.Bytes()); got != tt.want {
			t.Errorf("Insert into %q = %q, want %q", tt.in, got, tt.want)
		}
		f.Remove(tt.at + 1)
		f.Remove(tt.at)
		if got := string(f.Bytes()); got != tt.in {
			t.Errorf("Remove after Insert into %q = %q, want the input back", tt.in, got)
		}
	}
}

func TestStyleFor(t *testing.T) {
	tests := []struct {
		in    string
		block int
		want  Style
	}{
		{"Host a\n\tUser=x\n", 1, Style{"\t", "="}},
		{"Host a\n  User      x\n", 1, Style{"  ", " "}},
		{"Host a\n  User = x\nHost b\n", 2, Style{"  ", " = "}},
		{"Port 22\n", 0, Style{"", " "}},
		{"", 0, Style{"", " "}},
		{"Host a\n", 1, Style{"    ", " "}},
	}
	for _, tt := range tests {
		f := Parse([]byte(tt.in))
		if got := f.StyleFor(f.Blocks()[tt.block]); got != tt.want {
			t.Errorf("StyleFor(%q, block %d) = %+v, want %+v", tt.in, tt.block, got, tt.want)
		}
	}
}

func TestCanon(t *testing.T) {
	for key, want := range map[string]string{
		"ServerAliveInterval": "serveraliveinterval",
		"ProtocolKeepAlives":  "serveraliveinterval",
		"KeepAlive":           "tcpkeepalive",
		"SetupTimeOut":        "connecttimeout",
	} {
		if got := Client.Canon(key); got != want {
			t.Errorf("Client.Canon(%q) = %q, want %q", key, got, want)
		}
	}
	if got := (Dialect{DebianSetupTimeOut: true}).Canon("setuptimeout"); got != "serveraliveinterval" {
		t.Errorf("old Debian SetupTimeOut = %q", got)
	}
	if got := Server.Canon("ProtocolKeepAlives"); got != "protocolkeepalives" {
		t.Errorf("sshd has no ProtocolKeepAlives alias, got %q", got)
	}
}

func TestByteOrderMarkStaysFirst(t *testing.T) {
	in := "\uFEFFHost a\r\n  User x\r\n"
	f := Parse([]byte(in))
	f.Insert(0, "# note")
	if got := string(f.Bytes()); got != "\uFEFF# note\r\nHost a\r\n  User x\r\n" {
		t.Fatalf("Insert at 0 = %q", got)
	}
	if f.Lines[1].Key() != "Host" || f.Text(0) != "# note" {
		t.Fatalf("lines after Insert: %q %q", f.Lines[1].Key(), f.Text(0))
	}
	f.Remove(0)
	if got := string(f.Bytes()); got != in {
		t.Fatalf("Remove(0) = %q, want the input back", got)
	}
	f.Replace(0, "Host b")
	if got := string(f.Bytes()); got != "\uFEFFHost b\r\n  User x\r\n" {
		t.Fatalf("Replace(0) = %q", got)
	}
}

// TestHeaderAbbrev: a header naming many hosts is shown with its first
// few and how many more; a short one whole.
func TestHeaderAbbrev(t *testing.T) {
	long := "Host"
	for i := range 1000 {
		long += fmt.Sprintf(" h%d", i)
	}
	for _, tc := range []struct{ line, want string }{
		{"Host a b c", "Host a b c"},
		{"Host 1 2 3 4 5 6 7 8", "Host 1 2 3 4 5 6 7 8"},
		{"Host 1 2 3 4 5 6 7 8 9", "Host 1 2 3 4 5 6 ... (3 more)"},
		{long, "Host h0 h1 h2 h3 h4 h5 ... (994 more)"},
		{"Match host \"a b\" user c", "Match host a b user c"},
	} {
		if got := Header(Parse([]byte(tc.line + "\n")).Lines[0]); got != tc.want {
			t.Errorf("Header(%q) = %q, want %q", tc.line, got, tc.want)
		}
	}
}

package report

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/openssh"
	"github.com/keepalive-ssh/keepalive/internal/resolve"
	"github.com/keepalive-ssh/keepalive/internal/sshconf"
	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

var timeValues = []string{
	"0", "1", "300", "0300", "5m", "5M", "1m30s", "1m30", "1h", "1d", "1w", "5m5m",
	"2147483647", "2147483648", "35791394m7s", "+5", "-0", "-5", "5x", "m", "1.5m", "5ms", "soon",
}

var intValues = []string{"0", "1", "3", "010", "+2", "-1", "2147483647", "2147483648", "3x", "0x10", "many"}

var flagValues = []string{"yes", "no", "YES", "No", "true", "false", "on", "1"}

func TestParseTime(t *testing.T) {
	for in, want := range map[string]int{"0": 0, "300": 300, "5m": 300, "1m30": 90, "5m5m": 600, "1w": 604800, "+5": 5} {
		if got, ok := parseTime(in); !ok || got != want {
			t.Errorf("parseTime(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "-5", "5x", "2147483648", "1.5m"} {
		if got, ok := parseTime(in); ok {
			t.Errorf("parseTime(%q) = %d, want rejection", in, got)
		}
	}
}

// TestValuesAgainstOpenSSH writes each value into a one-line config and
// checks that show reads it as ssh -G and sshd -T do: the same number or
// flag when they accept it, a rejected value when they refuse the file.
func TestValuesAgainstOpenSSH(t *testing.T) {
	ssh := testenv.Tool(t, "ssh")
	sshd := testenv.Tool(t, "sshd")
	hk, err := openssh.NewHostKey(sshd)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hk.Close() })
	key := hk.Path
	type check struct {
		keyword string
		server  bool
		values  []string
	}
	for _, c := range []check{
		{"ServerAliveInterval", false, timeValues},
		{"ServerAliveCountMax", false, intValues},
		{"TCPKeepAlive", false, flagValues},
		{"ClientAliveInterval", true, timeValues},
		{"ClientAliveCountMax", true, intValues},
		{"TCPKeepAlive", true, flagValues},
	} {
		for i, val := range c.values {
			path := filepath.Join(t.TempDir(), "config"+strconv.Itoa(i))
			if err := os.WriteFile(path, []byte(c.keyword+" "+val+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			var cfg openssh.Config
			var v Value
			if c.server {
				cfg, err = openssh.SSHD(context.Background(), openssh.SSHDQuery{Bin: sshd, File: path, HostKey: key})
				opts := resolve.Options{Dialect: sshconf.Server, Files: []resolve.Input{{Path: path}}}
				s := Build(Options{Server: &opts}).Server
				v = map[string]Value{"ClientAliveInterval": s.ClientAliveInterval, "ClientAliveCountMax": s.ClientAliveCountMax, "TCPKeepAlive": s.TCPKeepAlive}[c.keyword]
			} else {
				cfg, err = openssh.SSH(context.Background(), openssh.SSHQuery{Bin: ssh, File: path, Host: "h"})
				opts := resolve.Options{Dialect: sshconf.Client, Files: []resolve.Input{{Path: path, User: true}}, Host: "h"}
				cl := Build(Options{Client: &opts}).Client
				v = map[string]Value{"ServerAliveInterval": cl.ServerAliveInterval, "ServerAliveCountMax": cl.ServerAliveCountMax, "TCPKeepAlive": cl.TCPKeepAlive}[c.keyword]
			}
			prog := map[bool]string{false: "ssh -G", true: "sshd -T"}[c.server]
			switch {
			case err != nil && !v.bad:
				t.Errorf("%s %s: %s rejects it (%v), show reads %v", c.keyword, val, prog, err, v.Value)
			case err == nil && v.bad:
				t.Errorf("%s %s: %s accepts it as %s, show says invalid", c.keyword, val, prog, cfg.Get(c.keyword))
			case err == nil && cfg.Get(c.keyword) != v.String():
				t.Errorf("%s %s: %s says %s, show %s", c.keyword, val, prog, cfg.Get(c.keyword), v.String())
			}
		}
	}
}

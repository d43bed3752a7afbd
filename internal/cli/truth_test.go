package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/openssh"
	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// Scenarios in the manner of OpenSSH's regress/cfgmatch.sh, cfginclude.sh,
// servcfginclude.sh, addrmatch.sh and cfgmatchlisten.sh, written for
// keep-alive keywords, run through the CLI (show, show --connection,
// server --match) and judged by the installed ssh -G and sshd -T -C.

// The real programs these tests consult, in one place.

func truthSSH(t *testing.T, cfg, host string) (openssh.Config, error) {
	t.Helper()
	return openssh.SSH(context.Background(), openssh.SSHQuery{Bin: testenv.Tool(t, "ssh"), File: cfg, Host: host})
}

func truthSSHD(t *testing.T, cfg, conn string) (openssh.Config, error) {
	t.Helper()
	key, err := openssh.NewHostKey("")
	if err != nil {
		t.Fatal(err)
	}
	defer key.Close()
	return openssh.SSHD(context.Background(), openssh.SSHDQuery{Bin: testenv.Tool(t, "sshd"), File: cfg, HostKey: key.Path, Conn: conn})
}

// truthShow runs keepalive show --json with args and returns the decoded
// output and the exit code.
func truthShow(t *testing.T, args ...string) (showJSON, int, string) {
	t.Helper()
	code, out, errs := srvRun(append([]string{"show", "--json", "--no-putty"}, args...)...)
	var j showJSON
	if err := json.Unmarshal([]byte(out), &j); err != nil {
		t.Fatalf("show %q: exit %d, invalid JSON (%v):\n%s\n%s", args, code, err, out, errs)
	}
	return j, code, errs
}

func sectionValue(t *testing.T, sec map[string]json.RawMessage, key string) string {
	t.Helper()
	var v jsonValue
	if err := json.Unmarshal(sec[key], &v); err != nil {
		t.Fatalf("%s: %v", key, err)
	}
	return fmt.Sprint(v.Value)
}

// writeTree writes files under a new directory; "@DIR@" in contents is
// that directory.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o700)
		if err := os.WriteFile(p, []byte(strings.ReplaceAll(body, "@DIR@", dir)), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestShowClientScenarios: show --file F --host H agrees with ssh -G -F F H
// on the value, and on whether ssh refuses the config (show exits 1 and
// says "ssh rejects this config" exactly when ssh -G fails).
func TestShowClientScenarios(t *testing.T) {
	testenv.Tool(t, "ssh")
	scenarios := []struct {
		name  string
		files map[string]string // "config" is the one read
		hosts []string
	}{
		{"match host=value", map[string]string{"config": "Match host=b\n  ServerAliveInterval 202\nHost *\n  ServerAliveInterval 5\n"}, []string{"b", "c"}},
		{"match = with blanks", map[string]string{"config": "Match host = b user = *\n  ServerAliveInterval 202\n"}, []string{"b", "c"}},
		{"match negated user", map[string]string{"config": "Match host=m !user xxxyfake\n  ServerAliveInterval 203\nMatch !host=m\n  ServerAliveInterval 204\n"}, []string{"m", "n"}},
		{"match quoted", map[string]string{"config": "Match host \"b,c\" originalhost=*\n  ServerAliveInterval 205\n"}, []string{"b", "c", "d"}},
		{"match single quotes are literal before 9.9", map[string]string{"config": "Match host 'b'\n  ServerAliveInterval 206\n"}, []string{"b"}},
		{"match all after a criterion", map[string]string{"config": "Match host b all\n  ServerAliveInterval 207\n"}, []string{"b", "c"}},
		{"match final all", map[string]string{"config": "Match final all\n  ServerAliveCountMax 9\nHost b\n  ServerAliveInterval 8\n"}, []string{"b"}},
		{"match all combined", map[string]string{"config": "Match all host b\n  ServerAliveInterval 208\n"}, []string{"b"}},
		{"match missing argument", map[string]string{"config": "Match host\n  ServerAliveInterval 209\n"}, []string{"b"}},
		{"match unknown criterion", map[string]string{"config": "Match tagged x\n  ServerAliveInterval 210\n"}, []string{"b"}},
		{"include POSIX class", map[string]string{"config": "Include @DIR@/inc[[:digit:]].conf\n", "inc1.conf": "ServerAliveInterval 211\n", "incx.conf": "ServerAliveInterval 999\n"}, []string{"b"}},
		{"include hidden file", map[string]string{"config": "Include @DIR@/d/*\nServerAliveInterval 5\n", "d/.hidden": "ServerAliveInterval 999\n", "d/x": "ServerAliveCountMax 7\n"}, []string{"b"}},
		{"include ${ENV} before 9.9", map[string]string{"config": "Include ${HOME}/x.conf\nInclude %d/x.conf\nServerAliveInterval 5\n"}, []string{"b"}},
		{"include itself", map[string]string{"config": "Include @DIR@/config\nServerAliveInterval 5\n"}, []string{"b"}},
		{"include without argument", map[string]string{"config": "Include\nServerAliveInterval 5\n"}, []string{"b"}},
		{"include empty argument", map[string]string{"config": "Include \"\"\nServerAliveInterval 5\n"}, []string{"b"}},
		{"bad keyword in an included file", map[string]string{"config": "Include @DIR@/bad.conf\nServerAliveInterval 5\n", "bad.conf": "NoSuchKeyword yes\n"}, []string{"b"}},
		{"include in a match block", map[string]string{"config": "Match host=b\n  Include @DIR@/in.conf\nHost *\n  ServerAliveInterval 5\n", "in.conf": "ServerAliveInterval 212\nMatch host c\n  ServerAliveCountMax 8\n"}, []string{"b", "c"}},
	}
	for _, sc := range scenarios {
		dir := writeTree(t, sc.files)
		cfg := filepath.Join(dir, "config")
		for _, host := range sc.hosts {
			name := sc.name + "/" + host
			real, rerr := truthSSH(t, cfg, host)
			j, code, errs := truthShow(t, "--file", cfg, "--host", host, "--no-server")
			if rerr != nil {
				if code != exitFailure || !strings.Contains(errs, "ssh rejects this config") || len(j.Client["rejected"]) < 3 {
					t.Errorf("%s: ssh -G refuses (%v); show exit %d, %s, rejected %s", name, rerr, code, errs, j.Client["rejected"])
				}
				continue
			}
			if j.Client["rejected"] != nil {
				t.Errorf("%s: ssh -G accepts; show --json says rejected %s", name, j.Client["rejected"])
			}
			if code != 0 {
				t.Errorf("%s: ssh -G accepts; show exit %d: %s", name, code, errs)
				continue
			}
			for _, key := range []string{"ServerAliveInterval", "ServerAliveCountMax"} {
				if got, want := sectionValue(t, j.Client, key), real.Get(key); got != want {
					t.Errorf("%s: %s: ssh -G says %s, show %s", name, key, want, got)
				}
			}
		}
	}
}

// TestShowConnectionScenarios: show --connection SPEC agrees with
// sshd -T -C SPEC on each value and on whether sshd refuses the config;
// with --verify it says so itself.
func TestShowConnectionScenarios(t *testing.T) {
	testenv.Tool(t, "sshd")
	configs := map[string]map[string]string{
		"user=value": {"sshd_config": "ClientAliveInterval 1\nMatch user=u1\n  ClientAliveInterval 2\nMatch User u2 Host=*.example.com\n  ClientAliveCountMax 7\n"},
		"address":    {"sshd_config": "ClientAliveInterval 1\nMatch Address 10.0.0.0/8,!10.9.9.9\n  ClientAliveInterval 3\nMatch LocalAddress 192.168.0.0/16 LocalPort 2222\n  ClientAliveCountMax 8\n"},
		"bad mask":   {"sshd_config": "ClientAliveInterval 1\nMatch Address 10.0.1.0/8\n  ClientAliveInterval 3\n"},
		"match all":  {"sshd_config": "ClientAliveInterval 1\nMatch all\n  ClientAliveInterval 4\nMatch User u1\n  ClientAliveInterval 5\n"},
		"include in match": {
			"sshd_config": "ClientAliveInterval 1\nInclude @DIR@/d/*.conf\nMatch User u1\n  Include @DIR@/u1.conf\n",
			"d/a.conf":    "Match Host *.example.com\n  ClientAliveInterval 6\n",
			"u1.conf":     "ClientAliveCountMax 9\n",
		},
		"self include":           {"sshd_config": "Include @DIR@/sshd_config\nClientAliveInterval 1\n"},
		"rdomain":                {"sshd_config": "Match RDomain r1\n  ClientAliveInterval 10\n"},
		"negated criterion":      {"sshd_config": "Match !User u1\n  ClientAliveInterval 10\n"},
		"include no argument":    {"sshd_config": "Include\n"},
		"include empty argument": {"sshd_config": "Include \"\"\nClientAliveInterval 3\n"},
	}
	specs := []string{
		"user=u1,host=b,addr=10.1.2.3,laddr=192.168.1.1,lport=2222,rdomain=r1",
		"user=u2,host=x.example.com,addr=10.9.9.9,laddr=127.0.0.1,lport=22",
		"user=u3,host=c,addr=192.0.2.1,lport=22",
	}
	for name, files := range configs {
		dir := writeTree(t, files)
		cfg := filepath.Join(dir, "sshd_config")
		empty := filepath.Join(dir, "empty_client")
		os.WriteFile(empty, nil, 0o600)
		for _, spec := range specs {
			real, rerr := truthSSHD(t, cfg, spec)
			j, code, errs := truthShow(t, "--file", empty, "--server-file", cfg, "--connection", spec)
			what := name + " -C " + spec
			if rerr != nil {
				if code != exitFailure || !strings.Contains(errs, "sshd rejects this config") {
					t.Errorf("%s: sshd -T refuses (%v); show exit %d, %s", what, rerr, code, errs)
				}
				continue
			}
			if code != 0 {
				t.Errorf("%s: sshd -T accepts; show exit %d: %s", what, code, errs)
				continue
			}
			for _, key := range []string{"ClientAliveInterval", "ClientAliveCountMax"} {
				if got, want := sectionValue(t, j.Server, key), real.Get(key); got != want {
					t.Errorf("%s: %s: sshd -T -C says %s, show %s", what, key, want, got)
				}
			}
		}
	}
	// --verify runs sshd -T -C itself, and says where the value is set.
	dir := writeTree(t, configs["user=value"])
	empty := filepath.Join(dir, "empty_client")
	os.WriteFile(empty, nil, 0o600)
	j, code, errs := truthShow(t, "--file", empty, "--server-file", filepath.Join(dir, "sshd_config"), "--connection", "user=u1,host=b,addr=10.0.0.1", "--verify")
	if code != 0 || !j.hasWarning("info", "", "verified: sshd -T -C user=u1,host=b,addr=10.0.0.1 agrees") {
		t.Errorf("--verify: exit %d %s\n%s", code, errs, dumpWarnings(j))
	}
	var v struct{ Source, Block string }
	json.Unmarshal(j.Server["ClientAliveInterval"], &v)
	if want := filepath.Join(dir, "sshd_config"); v.Source != want+":3" || !strings.Contains(v.Block, "`Match user=u1` at "+want+":2") {
		t.Errorf("source %q, block %q", v.Source, v.Block)
	}
	// A bad mask: keepalive says sshd refuses the config, with its line,
	// and --verify quotes sshd.
	dir = writeTree(t, configs["bad mask"])
	os.WriteFile(filepath.Join(dir, "empty_client"), nil, 0o600)
	cfg := filepath.Join(dir, "sshd_config")
	j, code, errs = truthShow(t, "--file", filepath.Join(dir, "empty_client"), "--server-file", cfg, "--verify")
	if code != exitFailure || !strings.Contains(errs, "sshd rejects this config: "+cfg+":2") || !j.hasWarning("error", "", "Invalid Match address argument '10.0.1.0/8' at line 2") {
		t.Errorf("bad mask: exit %d %s\n%s", code, errs, dumpWarnings(j))
	}
}

// TestServerMatchScenarios: server --match writes a block that sshd -T -C
// applies to the connections it names, and no others, whatever the
// spelling of the Match blocks already there.
func TestServerMatchScenarios(t *testing.T) {
	testenv.Tool(t, "sshd")
	dir := writeTree(t, map[string]string{"sshd_config": "ClientAliveInterval 5\nMatch host=a\n  ClientAliveInterval 102\n"})
	cfg := filepath.Join(dir, "sshd_config")
	if code, out, errs := srvRun("server", "--file", cfg, "--match", "Host b", "--interval", "77", "--no-validate"); code != 0 {
		t.Fatalf("server --match 'Host b': exit %d %s%s", code, out, errs)
	}
	if code, out, errs := srvRun("server", "--file", cfg, "--match", "host=a", "--interval", "88", "--no-validate"); code != 0 {
		t.Fatalf("server --match host=a: exit %d %s%s", code, out, errs)
	}
	for spec, want := range map[string]string{
		"user=u,host=a,addr=10.0.0.1": "88",
		"user=u,host=b,addr=10.0.0.1": "77",
		"user=u,host=c,addr=10.0.0.1": "5",
	} {
		real, err := truthSSHD(t, cfg, spec)
		if err != nil {
			t.Fatal(err)
		}
		empty := filepath.Join(dir, "empty_client")
		os.WriteFile(empty, nil, 0o600)
		j, code, errs := truthShow(t, "--file", empty, "--server-file", cfg, "--connection", spec)
		if got := real.Get("clientaliveinterval"); got != want {
			data, _ := os.ReadFile(cfg)
			t.Errorf("-C %s: sshd -T says %s, want %s; config:\n%s", spec, got, want, data)
		}
		if got := sectionValue(t, j.Server, "ClientAliveInterval"); code != 0 || got != want {
			t.Errorf("show --connection %s: exit %d %s, ClientAliveInterval %s, want %s", spec, code, errs, got, want)
		}
	}
}

// TestShowVerifyExecHidden: show --verify does not run ssh -G on a
// config with a Match exec that keepalive might not see: exec=... (split
// at '=' by ssh), an Include through a POSIX class, an Included file over
// 64 MiB. Each would make ssh -G run "touch MARKER".
func TestShowVerifyExecHidden(t *testing.T) {
	testenv.Tool(t, "ssh")
	for name, files := range map[string]map[string]string{
		"exec=":         {"config": "Match exec=\"touch @DIR@/MARKER\"\n  ServerAliveInterval 9\n"},
		"!exec=":        {"config": "Match !exec=\"touch @DIR@/MARKER\"\n  ServerAliveInterval 9\n"},
		"quoted exec":   {"config": "Match host=* exec \"touch @DIR@/MARKER\"\n  ServerAliveInterval 9\n"},
		"POSIX class":   {"config": "Include @DIR@/inc[[:alpha:]]x\n", "incAx": "Match exec \"touch @DIR@/MARKER\"\n  ServerAliveInterval 9\n"},
		"large include": {"config": "Include @DIR@/big.conf\n", "big.conf": "Match exec \"touch @DIR@/MARKER\"\n  ServerAliveInterval 9\n"},
	} {
		dir := writeTree(t, files)
		if name == "large include" {
			if err := os.Truncate(filepath.Join(dir, "big.conf"), 65<<20); err != nil { // sparse
				t.Fatal(err)
			}
		}
		j, code, errs := truthShow(t, "--file", filepath.Join(dir, "config"), "--host", "h", "--no-server", "--verify")
		if _, err := os.Stat(filepath.Join(dir, "MARKER")); err == nil {
			t.Errorf("%s: show --verify ran the Match exec command", name)
		}
		skipped := false
		for _, w := range j.Warnings {
			skipped = skipped || w.Level == "warning" && strings.Contains(w.Message, "not verified with ssh -G")
		}
		if code != 0 || !skipped {
			t.Errorf("%s: exit %d %s; want a warning that ssh -G was not run:\n%s", name, code, errs, dumpWarnings(j))
		}
	}
}

// TestShowConnectionRegressScenarios: OpenSSH's regress/servcfginclude.sh
// and addrmatch.sh, with ClientAliveInterval for Banner and ForceCommand,
// through show --connection, judged by sshd -T -C.
func TestShowConnectionRegressScenarios(t *testing.T) {
	testenv.Tool(t, "sshd")
	include := map[string]string{
		"sshd_config": "Match host a\n\tClientAliveInterval 11\n\nMatch host b\n\tClientAliveInterval 12\n\tInclude @DIR@/sshd_config.i.* # comment\n\n" +
			"Match host c\n\tInclude @DIR@/sshd_config.i.* # comment\n\tClientAliveInterval 13\n\nMatch host m\n\tInclude @DIR@/sshd_config.i.*\n\n" +
			"Match Host d\n\tClientAliveInterval 14 # comment\n\nMatch Host e\n\tClientAliveInterval 15\n\tInclude @DIR@/sshd_config.i.*\n\n" +
			"Match Host f\n\tInclude @DIR@/sshd_config.i.*\n\tClientAliveInterval 16\n\nMatch Host n\n\tInclude @DIR@/sshd_config.i.*\n",
		"sshd_config.i.0": "Match host xxxxxx\n",
		"sshd_config.i.1": "Match host a\n\tClientAliveInterval 111\n\nMatch host b\n\tClientAliveInterval 112\n\nMatch host c\n\tClientAliveInterval 113\n\nMatch Host d\n\tClientAliveInterval 114\n\nMatch Host e\n\tClientAliveInterval 115\n\nMatch Host f\n\tClientAliveInterval 116\n",
		"sshd_config.i.2": "Match host a\n\tClientAliveInterval 211\n\nMatch host b\n\tClientAliveInterval 212\n\nMatch host c # comment\n\tClientAliveInterval 213\n\nMatch Host d\n\tClientAliveInterval 214\n\nMatch Host e\n\tClientAliveInterval 215\n\nMatch Host f\n\tClientAliveInterval 216\n\nMatch all\n\tClientAliveInterval 299\n",
	}
	junk := map[string]string{}
	for k, v := range include {
		junk[k] = v
	}
	junk["sshd_config.i.3"] = "ClientAliveInterval 5\n\tJunk\n"
	addr := map[string]string{
		"sshd_config": "ClientAliveInterval 1\nMatch Address 192.168.0.0/16,!192.168.30.0/24,10.0.0.0/8,host.example.com\n\tClientAliveInterval 21\n" +
			"Match Address 1.1.1.1,::1,!::3,2000::/16\n\tClientAliveInterval 22\nMatch LocalAddress 127.0.0.1,::1\n\tClientAliveInterval 23\nMatch LocalPort 5678\n\tClientAliveInterval 24\n",
	}
	var specs []string
	for _, h := range []string{"a", "b", "c", "d", "e", "f", "m", "n", "x"} {
		specs = append(specs, "host="+h+",user=test,addr=127.0.0.1")
	}
	var addrSpecs []string
	for _, tr := range [][5]string{
		{"user", "192.168.0.1", "somehost", "1.2.3.4", "1234"}, {"user", "192.168.30.1", "somehost", "1.2.3.4", "1234"},
		{"user", "19.0.0.1", "somehost", "1.2.3.4", "1234"}, {"user", "10.255.255.254", "somehost", "1.2.3.4", "1234"},
		{"user", "192.168.30.1", "192.168.0.1", "1.2.3.4", "1234"}, {"user", "1.1.1.1", "somehost.example.com", "1.2.3.4", "1234"},
		{"user", "19.0.0.1", "somehost", "127.0.0.1", "1234"}, {"user", "19.0.0.1", "somehost", "1.2.3.4", "5678"},
		{"user", "::1", "somehost.example.com", "::2", "1234"}, {"user", "::2", "somehost.example.com", "::2", "1234"},
		{"user", "::3", "somehost", "::2", "1234"}, {"user", "2000::1", "somehost", "::2", "1234"},
		{"user", "2001::1", "somehost", "::2", "1234"}, {"user", "::5", "somehost", "::1", "1234"},
		{"user", "::5", "somehost", "::2", "5678"},
	} {
		addrSpecs = append(addrSpecs, fmt.Sprintf("user=%s,addr=%s,host=%s,laddr=%s,lport=%s", tr[0], tr[1], tr[2], tr[3], tr[4]))
	}
	for _, sc := range []struct {
		name  string
		files map[string]string
		specs []string
	}{
		{"servcfginclude", include, specs},
		{"servcfginclude junk", junk, specs[:1]},
		{"addrmatch", addr, addrSpecs},
	} {
		dir := writeTree(t, sc.files)
		cfg := filepath.Join(dir, "sshd_config")
		empty := filepath.Join(dir, "empty_client")
		os.WriteFile(empty, nil, 0o600)
		for _, spec := range sc.specs {
			real, rerr := truthSSHD(t, cfg, spec)
			j, code, errs := truthShow(t, "--file", empty, "--server-file", cfg, "--connection", spec)
			what := sc.name + " -C " + spec
			if rerr != nil {
				if code != exitFailure || !strings.Contains(errs, "sshd rejects this config") {
					t.Errorf("%s: sshd -T refuses (%v); show exit %d, %s", what, rerr, code, errs)
				}
				continue
			}
			if code != 0 {
				t.Errorf("%s: sshd -T accepts; show exit %d: %s", what, code, errs)
				continue
			}
			if got, want := sectionValue(t, j.Server, "ClientAliveInterval"), real.Get("clientaliveinterval"); got != want {
				t.Errorf("%s: sshd -T -C says %s, show %s", what, want, got)
			}
		}
	}
	// addrmatch.sh: invalid masks are refused.
	for _, mask := range []string{"10.0.1.0/8", "10.0.0.1/24", "2000:aa:bb:01::/56"} {
		for _, a := range []string{"Address", "LocalAddress"} {
			dir := writeTree(t, map[string]string{"sshd_config": "Match " + a + " " + mask + "\n"})
			os.WriteFile(filepath.Join(dir, "empty_client"), nil, 0o600)
			_, code, errs := truthShow(t, "--file", filepath.Join(dir, "empty_client"), "--server-file", filepath.Join(dir, "sshd_config"))
			if code != exitFailure || !strings.Contains(errs, "sshd rejects this config") {
				t.Errorf("Match %s %s: show exit %d %s", a, mask, code, errs)
			}
		}
	}
}

// TestShowConnectionCfgmatch: OpenSSH's regress/cfgmatch.sh criteria test,
// with both separators ("Match User u1" and "Match User=u1"), through show
// --connection and judged by sshd -T -C.
func TestShowConnectionCfgmatch(t *testing.T) {
	testenv.Tool(t, "sshd")
	params := [][4]string{ // keyword, spec key, value, interval
		{"user", "user", "u1", "31"}, {"host", "host", "h1", "32"}, {"address", "addr", "1.2.3.4", "33"},
		{"localaddress", "laddr", "5.6.7.8", "34"}, {"rdomain", "rdomain", "rdom1", "35"},
	}
	for _, sep := range []string{" ", "="} {
		cfgText := "ClientAliveInterval 30\n"
		for _, p := range params {
			cfgText += "\t\t    Match " + p[0] + sep + p[2] + "\n\t\t      ClientAliveInterval " + p[3] + "\n"
		}
		dir := writeTree(t, map[string]string{"sshd_config": cfgText, "empty_client": ""})
		cfg := filepath.Join(dir, "sshd_config")
		for _, test := range params {
			spec := ""
			for _, p := range params {
				v := p[2]
				if p[1] != test[1] {
					v = "1" + v
				}
				spec = p[1] + "=" + v + "," + spec
			}
			real, rerr := truthSSHD(t, cfg, spec)
			j, code, errs := truthShow(t, "--file", filepath.Join(dir, "empty_client"), "--server-file", cfg, "--connection", spec)
			if rerr != nil || code != 0 {
				t.Errorf("separator %q, -C %s: sshd -T %v; show exit %d %s", sep, spec, rerr, code, errs)
				continue
			}
			got, want := sectionValue(t, j.Server, "ClientAliveInterval"), real.Get("clientaliveinterval")
			if got != want || want != test[3] {
				t.Errorf("separator %q, -C %s: sshd -T -C says %s (regress expects %s), show %s", sep, spec, want, test[3], got)
			}
		}
	}
}

// TestShowCfginclude: OpenSSH's regress/cfginclude.sh, with
// ServerAliveInterval for Hostname, through show --host, judged by ssh -G.
func TestShowCfginclude(t *testing.T) {
	testenv.Tool(t, "ssh")
	files := map[string]string{
		"config": "Match host a\n\tServerAliveInterval 11\n\nMatch host b # comment\n\tServerAliveInterval 12\n\tInclude @DIR@/ssh_config.i.*\n\n" +
			"Match host c\n\tInclude @DIR@/ssh_config.i.*\n\tServerAliveInterval 13\n\nMatch host m\n\tInclude @DIR@/ssh_config.i.* # comment\n\n" +
			"Host d\n\tServerAliveInterval 14 # comment\n\nHost e\n\tServerAliveInterval 15\n\tInclude @DIR@/ssh_config.i.*\n\n" +
			"Host f\n\tInclude @DIR@/ssh_config.i.*\n\tServerAliveInterval 16\n\nHost n\n\tInclude @DIR@/ssh_config.i.*\n",
		"ssh_config.i.0": "Match host xxxxxx\n",
		"ssh_config.i.1": "Match host a\n\tServerAliveInterval 111\n\nMatch host b\n\tServerAliveInterval 112\n\nMatch host c # comment\n\tServerAliveInterval 113\n\nHost d # comment\n\tServerAliveInterval 114\n\nHost e\n\tServerAliveInterval 115\n\nHost f\n\tServerAliveInterval 116 # comment\n",
		"ssh_config.i.2": "Match host a\n\tServerAliveInterval 211\n\nMatch host b\n\tServerAliveInterval 212\n\nMatch host c\n\tServerAliveInterval 213\n\nHost d\n\tServerAliveInterval 214\n\nHost e\n\tServerAliveInterval 215\n\nHost f\n\tServerAliveInterval 216\n\nMatch all\n\tServerAliveInterval 299\n",
	}
	check := func(name string, files map[string]string, hosts []string) {
		dir := writeTree(t, files)
		cfg := filepath.Join(dir, "config")
		for _, host := range hosts {
			real, rerr := truthSSH(t, cfg, host)
			j, code, errs := truthShow(t, "--file", cfg, "--host", host, "--no-server")
			if rerr != nil {
				if code != exitFailure || !strings.Contains(errs, "ssh rejects this config") {
					t.Errorf("%s/%s: ssh -G refuses (%v); show exit %d %s", name, host, rerr, code, errs)
				}
				continue
			}
			if got, want := sectionValue(t, j.Client, "ServerAliveInterval"), real.Get("serveraliveinterval"); code != 0 || got != want {
				t.Errorf("%s/%s: ssh -G says %s; show exit %d, %s %s", name, host, want, code, got, errs)
			}
		}
	}
	check("cfginclude", files, []string{"a", "b", "c", "d", "e", "f", "m", "n", "x"})
	files["ssh_config.i.3"] = "ServerAliveInterval 5\n\tJunk\n"
	check("cfginclude junk", files, []string{"a", "x"})
	check("include before", map[string]string{"config": "Include @DIR@/ssh_config.i.*\nServerAliveInterval 11\n", "ssh_config.i.x": "Match host x\n"}, []string{"a"})
	check("include Host", map[string]string{"config": "Include @DIR@/ssh_config.i.*\nServerAliveInterval 11\n", "ssh_config.i.x": "Host x\n"}, []string{"a"})
}

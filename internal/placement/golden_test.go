package placement

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/keepalive-ssh/keepalive/internal/resolve"
	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

var update = flag.Bool("update", false, "rewrite the want sections of testdata/rules/*.txtar")

// TestRules runs the placement rules written as txtar archives in
// testdata/rules, one rule each: the archive's comment says the rule, the
// "cmd" section what to do, "in/..." the files before (in/config is the
// file edited, for the server too) and "want/..." every file the edit
// changes, byte for byte, "removed" the files it deletes instead (one
// name a line), or "shadow" what still overrides the new value. A rule
// without in/config runs on a config that does not exist.
//
//	enable HOST INTERVAL COUNT   the client, Host HOST
//	disable HOST                 the client
//	server INTERVAL COUNT [MATCH...]
//	server-disable [MATCH...]
//	dropin INTERVAL COUNT        server --drop-in
//
// go test -run TestRules -update rewrites the want sections.
func TestRules(t *testing.T) {
	files, _ := filepath.Glob("testdata/rules/*.txtar")
	if len(files) == 0 {
		t.Fatal("no rules in testdata/rules")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			var cmd string
			for _, f := range ar.Files {
				switch {
				case f.Name == "cmd":
					cmd = strings.TrimSpace(string(f.Data))
				case strings.HasPrefix(f.Name, "in/"):
					p := filepath.Join(dir, strings.TrimPrefix(f.Name, "in/"))
					os.MkdirAll(filepath.Dir(p), 0o700)
					if err := os.WriteFile(p, f.Data, 0o600); err != nil {
						t.Fatal(err)
					}
				}
			}
			p, err := runRule(dir, cmd)
			if err != nil {
				t.Fatalf("%s: %v", cmd, err)
			}
			got := map[string]string{}
			for _, path := range p.Changed() {
				rel, _ := filepath.Rel(dir, path)
				if p.Remove[path] {
					got["removed"] += filepath.ToSlash(rel) + "\n"
					continue
				}
				got["want/"+filepath.ToSlash(rel)] = string(p.Files[path].Bytes())
			}
			var shadows []string
			for _, sh := range p.Shadowed {
				shadows = append(shadows, strings.ReplaceAll(sh.Error(), dir+string(filepath.Separator), ""))
			}
			if len(shadows) > 0 {
				got["shadow"] = strings.Join(shadows, "\n") + "\n"
			}
			if *update {
				rewrite(t, file, ar, got)
				return
			}
			want := map[string]string{}
			for _, f := range ar.Files {
				if strings.HasPrefix(f.Name, "want/") || f.Name == "shadow" || f.Name == "removed" {
					want[f.Name] = string(f.Data)
				}
			}
			for name, w := range want {
				if got[name] != w {
					t.Errorf("%s:\n--- got\n%s--- want\n%s", name, got[name], w)
				}
			}
			for name := range got {
				if _, ok := want[name]; !ok {
					t.Errorf("%s is not in the archive, got:\n%s", name, got[name])
				}
			}
		})
	}
}

// runRule plans cmd on dir/config.
func runRule(dir, cmd string) (*Plan, error) {
	f := strings.Fields(cmd)
	if len(f) == 0 {
		return nil, fmt.Errorf("no cmd section")
	}
	main := filepath.Join(dir, "config")
	client := Scope{Opts: resolve.Options{Dialect: sshconf.Client, Home: dir, LocalUser: "tester",
		Files: []resolve.Input{{Path: main, User: true}}}}
	server := Scope{Opts: resolve.Options{Dialect: sshconf.Server, Files: []resolve.Input{{Path: main}}}}
	settings := func(keys []string, interval, count string) []Setting {
		return []Setting{{Key: keys[0], Value: interval}, {Key: keys[1], Value: count}}
	}
	switch {
	case f[0] == "enable" && len(f) == 4:
		client.Host = f[1]
		return Enable(client, settings(sshconf.Client.Written(), f[2], f[3])), nil
	case f[0] == "disable" && len(f) == 2:
		client.Host = f[1]
		return Disable(client, sshconf.Client.Written()), nil
	case f[0] == "server" && len(f) >= 3:
		return EnableServer(server, settings(sshconf.Server.Written(), f[1], f[2]), strings.Join(f[3:], " ")), nil
	case f[0] == "server-disable":
		return DisableServer(server, sshconf.Server.Written(), strings.Join(f[1:], " ")), nil
	case f[0] == "dropin" && len(f) == 3:
		return EnableServerDropIn(server, settings(sshconf.Server.Written(), f[1], f[2]), DropInName)
	}
	return nil, fmt.Errorf("unknown cmd %q", cmd)
}

// rewrite replaces the archive's want and shadow sections with got.
func rewrite(t *testing.T, file string, ar *txtar.Archive, got map[string]string) {
	var keep []txtar.File
	for _, f := range ar.Files {
		if !strings.HasPrefix(f.Name, "want/") && f.Name != "shadow" && f.Name != "removed" {
			keep = append(keep, f)
		}
	}
	for _, name := range sortedNames(got) {
		keep = append(keep, txtar.File{Name: name, Data: []byte(got[name])})
	}
	ar.Files = keep
	if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
		t.Fatal(err)
	}
}

func sortedNames(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

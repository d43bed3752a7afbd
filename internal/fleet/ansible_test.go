//go:build linux

package fleet

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/keepalive-ssh/keepalive/internal/openssh"
	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

// collectionDir is where the collection lives, relative to the repository.
const collectionDir = "ansible_collections/keepalive_ssh/keepalive"

// playbookTimeout bounds one ansible-playbook run.
const playbookTimeout = 3 * time.Minute

// buildKeepalive builds cmd/keepalive into dir and returns its path.
func buildKeepalive(t *testing.T, repo, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "keepalive")
	cmd := exec.Command(testenv.Tool(t, "go"), "build", "-o", bin, "./cmd/keepalive")
	cmd.Dir = repo
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/keepalive: %v\n%s", err, out)
	}
	return bin
}

// machine is a localhost for ansible-playbook: a scratch directory bound
// over /etc/ssh and another over root's home directory, in a private mount
// namespace, so that keepalive, ssh -G and sshd -t see them at their real
// paths and nothing of the real machine is touched.
type machine struct {
	repo      string // the repository: ANSIBLE_COLLECTIONS_PATH
	keepalive string // the keepalive binary the module runs
	etc       string // appears as /etc/ssh
	home      string // appears as root's home directory
	realHome  string // root's home directory
	work      string // playbooks and ansible's temporary files
}

func newMachine(t *testing.T) *machine {
	t.Helper()
	testenv.Root(t)
	testenv.Tool(t, "ansible-playbook")
	testenv.Tool(t, "unshare")
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	m := &machine{
		repo:     testenv.ModuleRoot(t),
		etc:      t.TempDir(),
		home:     t.TempDir(),
		realHome: u.HomeDir,
		work:     t.TempDir(),
	}
	if info, err := os.Stat(m.realHome); err != nil || !info.IsDir() || filepath.Clean(m.realHome) == "/" {
		t.Fatalf("root's home directory %q is not a directory of its own to bind a scratch home over (%v)", m.realHome, err)
	}
	m.keepalive = buildKeepalive(t, m.repo, t.TempDir())
	if err := os.MkdirAll(filepath.Join(m.etc, "ssh_config.d"), 0o755); err != nil {
		t.Fatal(err)
	}
	return m
}

func (m *machine) sandbox() *openssh.Sandbox {
	return &openssh.Sandbox{Binds: map[string]string{m.etc: "/etc/ssh", m.home: m.realHome}}
}

// env is the environment of every ansible program the tests run.
func (m *machine) env() []string {
	return []string{
		// keepalive's directory first: tasks without binary: find it in PATH.
		"PATH=" + filepath.Dir(m.keepalive) + string(os.PathListSeparator) + os.Getenv("PATH"),
		"HOME=" + m.realHome,
		"LC_ALL=C.UTF-8",
		"LANG=C.UTF-8",
		"ANSIBLE_COLLECTIONS_PATH=" + m.repo,
		"ANSIBLE_CONFIG=" + filepath.Join(m.work, "ansible.cfg"),
		"ANSIBLE_LOCAL_TEMP=" + filepath.Join(m.work, "tmp"),
		"ANSIBLE_REMOTE_TEMP=" + filepath.Join(m.work, "tmp"),
		"ANSIBLE_NOCOLOR=1",
		"ANSIBLE_RETRY_FILES_ENABLED=0",
		"ANSIBLE_PYTHON_INTERPRETER=auto_silent",
		"ANSIBLE_STDOUT_CALLBACK=default",
		"PYTHONDONTWRITEBYTECODE=1",
	}
}

// playResult is one ansible-playbook run: its output and the PLAY RECAP
// counts for localhost.
type playResult struct {
	out                 string
	code                int
	ok, changed, failed int
}

var recapRE = regexp.MustCompile(`(?m)^localhost\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)`)

// play runs the tasks as a playbook on localhost in the sandbox.
func (m *machine) play(t *testing.T, tasks string, args ...string) playResult {
	t.Helper()
	pb := filepath.Join(m.work, "playbook.yml")
	text := "- hosts: localhost\n  connection: local\n  gather_facts: false\n  tasks:\n" + tasks
	if err := os.WriteFile(pb, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(m.work, "ansible.cfg"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), playbookTimeout)
	defer cancel()
	argv := append([]string{"-i", "localhost,", pb}, args...)
	name, argv := wrap(m.sandbox(), testenv.Tool(t, "ansible-playbook"), argv)
	cmd := exec.CommandContext(ctx, name, argv...)
	cmd.Dir = m.work
	cmd.Env = m.env()
	out, err := cmd.CombinedOutput()
	r := playResult{out: string(out)}
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok || ctx.Err() != nil {
			t.Fatalf("ansible-playbook %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		r.code = ee.ExitCode()
	}
	if strings.Contains(r.out, "Operation not permitted") && strings.Contains(r.out, "mount") {
		testenv.Unavailable(t, "no mount namespaces here:\n%s", out)
	}
	match := recapRE.FindStringSubmatch(r.out)
	if match == nil {
		t.Fatalf("ansible-playbook %s printed no PLAY RECAP for localhost (exit %d):\n%s", strings.Join(args, " "), r.code, out)
	}
	r.ok, _ = strconv.Atoi(match[1])
	r.changed, _ = strconv.Atoi(match[2])
	r.failed, _ = strconv.Atoi(match[3])
	return r
}

// wrap runs bin inside `unshare -m` after the sandbox's bind mounts;
// the paths reach the shell as positional parameters, never as shell text.
func wrap(sb *openssh.Sandbox, bin string, args []string) (string, []string) {
	var script strings.Builder
	script.WriteString("set -e; ")
	var params []string
	for src, dst := range sb.Binds {
		n := len(params)
		fmt.Fprintf(&script, `mount --bind "${%d}" "${%d}"; `, n+1, n+2)
		params = append(params, src, dst)
	}
	fmt.Fprintf(&script, `shift %d; exec "$@"`, len(params))
	argv := append([]string{"--mount", "--propagation", "private", "sh", "-c", script.String(), "sh"}, params...)
	return "unshare", append(append(argv, bin), args...)
}

// failedMsg returns the msg of the first failed task in the output.
func failedMsg(t *testing.T, out string) string {
	t.Helper()
	msgs := failedMsgs(t, out)
	if len(msgs) == 0 {
		t.Fatalf("no failed task in:\n%s", out)
	}
	return msgs[0]
}

// failedMsgs returns the msg of each failed task, in order.
func failedMsgs(t *testing.T, out string) []string {
	t.Helper()
	const marker = "FAILED! => "
	var msgs []string
	for rest := out; ; {
		i := strings.Index(rest, marker)
		if i < 0 {
			return msgs
		}
		rest = rest[i+len(marker):]
		var res struct {
			Msg string `json:"msg"`
		}
		if err := json.NewDecoder(strings.NewReader(rest)).Decode(&res); err != nil {
			t.Fatalf("a failed task's result is not JSON: %v\n%s", err, out)
		}
		msgs = append(msgs, res.Msg)
	}
}

func (r playResult) want(t *testing.T, what string, changed, failed int) {
	t.Helper()
	if r.changed != changed || r.failed != failed {
		t.Fatalf("%s: changed=%d failed=%d, want changed=%d failed=%d\n%s", what, r.changed, r.failed, changed, failed, r.out)
	}
	// Options given as a user writes them (interval: 120) draw no
	// conversion or deprecation warning.
	if strings.Contains(r.out, "[WARNING]") || strings.Contains(r.out, "[DEPRECATION WARNING]") {
		t.Fatalf("%s: ansible-playbook warned:\n%s", what, r.out)
	}
}

func writeFile(t *testing.T, path, data string, perm os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), perm); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// wantBytes fails unless each file holds exactly its bytes.
func wantBytes(t *testing.T, what string, files map[string]string) {
	t.Helper()
	for path, want := range files {
		if got := readFile(t, path); got != want {
			t.Errorf("%s: %s is\n%q\nwant\n%q", what, path, got, want)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
}

// tree lists every path under the directories, with each file's size and
// modification time, to show that a run created, removed and touched nothing.
func tree(t *testing.T, dirs ...string) []string {
	t.Helper()
	var paths []string
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Name() == ".ansible" && d.IsDir() {
				return filepath.SkipDir // ansible's own temporary files
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			entry := p
			if !d.IsDir() {
				entry = fmt.Sprintf("%s %d %s", p, info.Size(), info.ModTime().Format(time.RFC3339Nano))
			}
			paths = append(paths, entry)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return paths
}

// module is a task of the keepalive module with these option lines.
func (m *machine) module(name string, options ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "    - name: %s\n      keepalive_ssh.keepalive.keepalive:\n        binary: %s\n        state: \"{{ keepalive_state | default('present') }}\"\n",
		strconv.Quote(name), strconv.Quote(m.keepalive))
	for _, o := range options {
		fmt.Fprintf(&b, "        %s\n", o)
	}
	return b.String()
}

// sshG asks the real ssh -G in the sandbox what it makes of host.
func (m *machine) sshG(t *testing.T, host string) openssh.Config {
	t.Helper()
	cfg, err := openssh.SSH(context.Background(), openssh.SSHQuery{
		Host: host, Env: []string{"HOME=" + m.realHome, "PATH=" + os.Getenv("PATH")}, Sandbox: m.sandbox(),
	})
	if err != nil {
		t.Fatalf("ssh -G %s: %v", host, err)
	}
	return cfg
}

// TestAnsibleClient: a playbook on the system-wide ssh_config and the
// user's ~/.ssh/config, through check+diff, apply, rerun and absent.
func TestAnsibleClient(t *testing.T) {
	testenv.Tool(t, "ssh")
	m := newMachine(t)
	system := filepath.Join(m.etc, "ssh_config")
	userCfg := filepath.Join(m.home, ".ssh", "config")
	original := map[string]string{
		system:  "# system-wide defaults\nInclude /etc/ssh/ssh_config.d/*.conf\n\nHost *\n    SendEnv LANG LC_*\n    HashKnownHosts yes\n",
		userCfg: "# my hosts\nHost build\n    HostName build.example.com\n    User ci\n\nHost *\n\tIdentitiesOnly yes\n",
	}
	writeFile(t, system, original[system], 0o644)
	writeFile(t, userCfg, original[userCfg], 0o600)
	tasks := m.module("every host, system-wide", "scope: system", "interval: 120") +
		m.module("the build host, for the user", "host: build", "interval: 30s", "count: 3")

	// test that --check --diff shows both diffs, reports changed and writes nothing
	before := tree(t, m.etc, m.home)
	r := m.play(t, tasks, "--check", "--diff")
	r.want(t, "--check --diff", 2, 0)
	for _, re := range []string{
		`(?m)^--- /etc/ssh/ssh_config$`,
		`(?m)^\+\s+ServerAliveInterval 120$`,
		`(?m)^--- ` + regexp.QuoteMeta(m.realHome) + `/\.ssh/config$`,
		`(?m)^\+\s+ServerAliveInterval 30$`,
		`(?m)^\+\s+ServerAliveCountMax 3$`,
	} {
		if !regexp.MustCompile(re).MatchString(r.out) {
			t.Errorf("--check --diff output does not match %s:\n%s", re, r.out)
		}
	}
	wantBytes(t, "after --check --diff", original)
	if after := tree(t, m.etc, m.home); !slices.Equal(before, after) {
		t.Fatalf("--check --diff touched files:\nbefore %v\nafter  %v", before, after)
	}

	// test that a real run changes both files and ssh -G sees the values
	r = m.play(t, tasks)
	r.want(t, "apply", 2, 0)
	for host, want := range map[string][2]string{"build": {"30", "3"}, "other.example.com": {"120", ""}} {
		cfg := m.sshG(t, host)
		if got := cfg.Get("serveraliveinterval"); got != want[0] {
			t.Errorf("after apply, ssh -G %s: serveraliveinterval %q, want %q", host, got, want[0])
		}
		if got := cfg.Get("serveralivecountmax"); want[1] != "" && got != want[1] {
			t.Errorf("after apply, ssh -G %s: serveralivecountmax %q, want %q", host, got, want[1])
		}
	}
	applied := map[string]string{system: readFile(t, system), userCfg: readFile(t, userCfg)}

	// test that a second run reports nothing changed and writes nothing
	m.play(t, tasks).want(t, "second run", 0, 0)
	m.play(t, tasks, "--check").want(t, "second run in check mode", 0, 0)
	wantBytes(t, "after the second run", applied)

	// test that state absent in check mode reports changed and writes nothing
	m.play(t, tasks, "--check", "-e", "keepalive_state=absent").want(t, "absent --check", 2, 0)
	wantBytes(t, "after absent --check", applied)

	// test that state absent restores the original bytes, and a rerun changes nothing
	m.play(t, tasks, "-e", "keepalive_state=absent").want(t, "absent", 2, 0)
	wantBytes(t, "after absent", original)
	m.play(t, tasks, "-e", "keepalive_state=absent").want(t, "absent again", 0, 0)
}

// TestAnsibleClientNewFile: state present on a user without ~/.ssh/config
// creates it (and ~/.ssh); state absent deletes the file again, so the
// machine is as before but for ~/.ssh itself, which stays.
func TestAnsibleClientNewFile(t *testing.T) {
	testenv.Tool(t, "ssh")
	m := newMachine(t)
	userCfg := filepath.Join(m.home, ".ssh", "config")
	tasks := m.module("every host, for the user", "interval: 45")

	m.play(t, tasks).want(t, "apply", 1, 0)
	if got := readFile(t, userCfg); !strings.HasPrefix(got, "# keepalive: created this file\n") {
		t.Fatalf("the new ~/.ssh/config does not say keepalive created it:\n%s", got)
	}
	if got := m.sshG(t, "any.example.com").Get("serveraliveinterval"); got != "45" {
		t.Errorf("after apply, ssh -G: serveraliveinterval %q, want 45", got)
	}
	m.play(t, tasks, "-e", "keepalive_state=absent").want(t, "absent", 1, 0)
	if _, err := os.Stat(userCfg); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("after absent, ~/.ssh/config: %v; want it gone, as before", err)
	}
	if info, err := os.Stat(filepath.Dir(userCfg)); err != nil || !info.IsDir() {
		t.Errorf("after absent, ~/.ssh: %v; want it left", err)
	}
	m.play(t, tasks, "-e", "keepalive_state=absent").want(t, "absent again", 0, 0)
}

// TestAnsibleServer: sshd_config through check+diff, apply, rerun and
// absent, validated by the real sshd -t, with the values sshd -T reads.
func TestAnsibleServer(t *testing.T) {
	m := newServer(t)
	cfg := filepath.Join(m.etc, "sshd_config")
	original := map[string]string{cfg: "# test server\nPort 22\nHostKey /etc/ssh/ssh_host_ed25519_key\n#ClientAliveInterval 0\n#ClientAliveCountMax 3\nSubsystem sftp internal-sftp\n\nMatch Group sftp\n    ChrootDirectory %h\n"}
	writeFile(t, cfg, original[cfg], 0o644)
	tasks := m.module("global", "target: server", "interval: 60", "count: 3") +
		m.module("sftp users", "target: server", "match: Group sftp", "interval: 1m30s")

	// test that --check --diff shows the diff and writes nothing
	before := tree(t, m.etc)
	r := m.play(t, tasks, "--check", "--diff")
	r.want(t, "--check --diff", 2, 0)
	for _, re := range []string{`(?m)^--- /etc/ssh/sshd_config$`, `(?m)^\+ClientAliveInterval 60$`, `(?m)^\+ClientAliveCountMax 3$`, `(?m)^\+\s+ClientAliveInterval 90$`} {
		if !regexp.MustCompile(re).MatchString(r.out) {
			t.Errorf("--check --diff output does not match %s:\n%s", re, r.out)
		}
	}
	wantBytes(t, "after --check --diff", original)
	if after := tree(t, m.etc); !slices.Equal(before, after) {
		t.Fatalf("--check --diff touched files:\nbefore %v\nafter  %v", before, after)
	}

	// test that a real run changes the file, which sshd -T reads as set
	m.play(t, tasks).want(t, "apply", 2, 0)
	got, err := openssh.SSHD(context.Background(), openssh.SSHDQuery{Sandbox: m.sandbox(), Env: m.env()})
	if err != nil {
		t.Fatalf("sshd -T after apply: %v", err)
	}
	if got.Get("clientaliveinterval") != "60" || got.Get("clientalivecountmax") != "3" {
		t.Fatalf("sshd -T after apply: ClientAliveInterval %q, ClientAliveCountMax %q; want 60, 3\n%s",
			got.Get("clientaliveinterval"), got.Get("clientalivecountmax"), readFile(t, cfg))
	}
	if !regexp.MustCompile(`(?m)^Match Group sftp\n    ChrootDirectory %h\n    # keepalive: added "ClientAliveInterval 90"\n    ClientAliveInterval 90\n`).MatchString(readFile(t, cfg)) {
		t.Fatalf("the Match Group sftp block has no ClientAliveInterval 90:\n%s", readFile(t, cfg))
	}
	applied := map[string]string{cfg: readFile(t, cfg)}

	// test that a second run reports nothing changed and writes nothing
	m.play(t, tasks).want(t, "second run", 0, 0)
	wantBytes(t, "after the second run", applied)

	// test that state absent restores the original bytes
	m.play(t, tasks, "-e", "keepalive_state=absent").want(t, "absent", 2, 0)
	wantBytes(t, "after absent", original)
}

// TestAnsibleServerRejected: a config sshd rejects fails the task with
// sshd's complaint and is left alone; validate: false writes it anyway.
func TestAnsibleServerRejected(t *testing.T) {
	m := newServer(t)
	cfg := filepath.Join(m.etc, "sshd_config")
	original := map[string]string{cfg: "Port 22\nHostKey /etc/ssh/ssh_host_ed25519_key\nNoSuchOption yes\n"}
	writeFile(t, cfg, original[cfg], 0o644)

	// test that the task fails with a msg naming the file, line and option, and nothing is written
	r := m.play(t, m.module("server", "target: server", "interval: 60"))
	r.want(t, "rejected config", 0, 1)
	msg := failedMsg(t, r.out)
	for _, want := range []string{"/etc/ssh/sshd_config:3", "NoSuchOption", "sshd"} {
		if !strings.Contains(msg, want) {
			t.Errorf("msg %q does not name %q", msg, want)
		}
	}
	if strings.HasPrefix(msg, "keepalive: ") {
		t.Errorf("msg %q starts with the program name", msg)
	}
	wantBytes(t, "after the failed task", original)

	// test that check mode fails the same way
	m.play(t, m.module("server", "target: server", "interval: 60"), "--check").want(t, "rejected config, --check", 0, 1)

	// test that validate: false skips sshd -t and writes the values
	m.play(t, m.module("server", "target: server", "interval: 60", "validate: false")).want(t, "validate: false", 1, 0)
	if got := readFile(t, cfg); !strings.HasPrefix(got, original[cfg]) || !strings.Contains(got, "\nClientAliveInterval 60\n") {
		t.Fatalf("validate: false wrote\n%s", got)
	}
}

// TestAnsibleUsageErrors: options that do not fit the target fail the
// task before keepalive runs, and keepalive's usage errors come back as msg.
func TestAnsibleUsageErrors(t *testing.T) {
	m := newMachine(t)
	cases := []struct {
		options []string
		msg     string
	}{
		{[]string{"target: server", "host: build", "validate: false"}, "host: only for target client, not server"},
		{[]string{"target: putty", "count: 3"}, "count: not for target putty"},
		{[]string{"match: User bob"}, "match: only for target server, not client"},
		{[]string{"interval: soon"}, `invalid --interval "soon"`},
		{[]string{"interval: true"}, "interval: want seconds (300) or an OpenSSH time (5m, 1m30s), got True"},
		{[]string{"scope: everyone"}, "value of scope must be one of: user, system"},
	}
	// One playbook: each task fails, and ignore_errors lets the next run.
	var tasks strings.Builder
	for _, c := range cases {
		tasks.WriteString(m.module(strings.Join(c.options, ", "), c.options...) + "      ignore_errors: true\n")
	}
	r := m.play(t, tasks.String())
	r.want(t, "the bad options", 0, 0)
	msgs := failedMsgs(t, r.out)
	if len(msgs) != len(cases) {
		t.Fatalf("%d failed tasks, want %d:\n%s", len(msgs), len(cases), r.out)
	}
	for i, c := range cases {
		if !strings.Contains(msgs[i], c.msg) {
			t.Errorf("%v: msg %q, want it to contain %q", c.options, msgs[i], c.msg)
		}
	}
}

// newServer is a machine with a throwaway host key for sshd -t and the
// privilege separation directory sshd insists on.
func newServer(t *testing.T) *machine {
	t.Helper()
	testenv.Tool(t, "sshd")
	m := newMachine(t)
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
		t.Fatal(err)
	}
	hk, err := openssh.NewHostKey("")
	if err != nil {
		t.Fatal(err)
	}
	defer hk.Close()
	writeFile(t, filepath.Join(m.etc, openssh.HostKeyName), readFile(t, hk.Path), 0o600)
	return m
}

// ansibleTool runs an ansible program outside the sandbox and returns
// its standard output.
func (m *machine) ansibleTool(t *testing.T, dir string, env []string, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(testenv.Tool(t, name), args...)
	cmd.Dir = dir
	cmd.Env = append(m.env(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out, stderr.Bytes())
	}
	return out
}

// moduleOptions are the options the issue and the README promise.
var moduleOptions = []string{"backup", "binary", "count", "drop_in", "host", "interval", "match", "path", "reload", "scope", "session", "state", "target", "validate"}

// TestAnsibleDoc: ansible-doc documents every option, with examples and
// return values.
func TestAnsibleDoc(t *testing.T) {
	m := &machine{repo: testenv.ModuleRoot(t), realHome: t.TempDir(), work: t.TempDir()}
	const name = "keepalive_ssh.keepalive.keepalive"
	var doc map[string]struct {
		Doc struct {
			Options map[string]struct {
				Description any `json:"description"`
				Type        string
			} `json:"options"`
			Attributes map[string]struct {
				Support string `json:"support"`
			} `json:"attributes"`
		} `json:"doc"`
		Examples string         `json:"examples"`
		Return   map[string]any `json:"return"`
	}
	out := m.ansibleTool(t, m.work, nil, "ansible-doc", "--json", name)
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("ansible-doc --json %s: %v\n%s", name, err, out)
	}
	d, ok := doc[name]
	if !ok {
		t.Fatalf("ansible-doc --json does not know %s:\n%s", name, out)
	}
	for o, spec := range d.Doc.Options {
		if spec.Description == nil || spec.Type == "" {
			t.Errorf("option %s has no description or type", o)
		}
	}
	if got := slices.Sorted(maps.Keys(d.Doc.Options)); !slices.Equal(got, moduleOptions) {
		t.Errorf("options %v, want %v", got, moduleOptions)
	}
	for _, a := range []string{"check_mode", "diff_mode"} {
		if d.Doc.Attributes[a].Support != "full" {
			t.Errorf("attribute %s: support %q, want full", a, d.Doc.Attributes[a].Support)
		}
	}
	for _, want := range []string{"keepalive_ssh.keepalive.keepalive:", "target: server", "state: absent", "scope: system"} {
		if !strings.Contains(d.Examples, want) {
			t.Errorf("the examples have no %q", want)
		}
	}
	for _, r := range []string{"changed", "files", "diff"} {
		if _, ok := d.Return[r]; !ok {
			t.Errorf("RETURN does not document %s", r)
		}
	}
	// The text a user reads names every option too.
	text := string(m.ansibleTool(t, m.work, nil, "ansible-doc", name))
	for _, o := range moduleOptions {
		if !regexp.MustCompile(`(?m)^[-=] ` + o + `$`).MatchString(text) {
			t.Errorf("ansible-doc %s does not list option %s:\n%s", name, o, text)
		}
	}
}

// TestAnsiblePutty: PuTTY saved sessions in the user's home, through
// check mode, apply, rerun and absent.
func TestAnsiblePutty(t *testing.T) {
	m := newMachine(t)
	session := filepath.Join(m.home, ".putty", "sessions", "my%20server")
	original := map[string]string{session: "HostName=build.example.com\nPortNumber=22\n"}
	writeFile(t, session, original[session], 0o600)
	tasks := m.module("my server", "target: putty", "session: [my server]", "interval: 45")

	// test that --check --diff reports the change, shows it and writes nothing
	r := m.play(t, tasks, "--check", "--diff")
	r.want(t, "--check --diff", 1, 0)
	if !regexp.MustCompile(`(?m)^\+PingIntervalSecs=45`).MatchString(r.out) {
		t.Errorf("--check --diff shows no +PingIntervalSecs=45:\n%s", r.out)
	}
	wantBytes(t, "after --check --diff", original)

	// test that a real run sets the keep-alive and a rerun changes nothing
	m.play(t, tasks).want(t, "apply", 1, 0)
	if got := readFile(t, session); !strings.HasPrefix(got, original[session]) || !strings.Contains(got, "\nPingIntervalSecs=45\n") {
		t.Fatalf("after apply the session is\n%q", got)
	}
	m.play(t, tasks).want(t, "second run", 0, 0)

	// test that state absent turns the keep-alive off again
	m.play(t, tasks, "-e", "keepalive_state=absent").want(t, "absent", 1, 0)
	if got := readFile(t, session); regexp.MustCompile(`(?m)^PingInterval(Secs)?=[1-9]`).MatchString(got) {
		t.Fatalf("after absent the session still has a keep-alive:\n%q", got)
	}
}

// TestAnsibleReadme runs the README's module example in check mode, as a
// reader would paste it, with keepalive found in PATH.
func TestAnsibleReadme(t *testing.T) {
	m := newServer(t)
	readme := readFile(t, filepath.Join(m.repo, "README.md"))
	_, ansible, ok := strings.Cut(readme, "\n### Ansible\n")
	if !ok {
		t.Fatal("README.md has no ### Ansible section")
	}
	block := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindStringSubmatch(ansible)
	if block == nil || !strings.Contains(block[1], "keepalive_ssh.keepalive.keepalive:") {
		t.Fatalf("the README's Ansible section does not start with a yaml block using the module:\n%s", ansible)
	}
	writeFile(t, filepath.Join(m.etc, "ssh_config"), "Host *\n    SendEnv LANG LC_*\n", 0o644)
	sshd := "Port 22\nHostKey /etc/ssh/ssh_host_ed25519_key\n"
	writeFile(t, filepath.Join(m.etc, "sshd_config"), sshd, 0o644)
	tasks := regexp.MustCompile(`(?m)^`).ReplaceAllString(strings.TrimRight(block[1], "\n"), "    ") + "\n"
	r := m.play(t, tasks, "--check", "--diff")
	r.want(t, "the README's tasks in check mode", 3, 0)
	for _, re := range []string{`(?m)^\+\s+ServerAliveInterval 120$`, `(?m)^\+Host \*\.mobile\.example\.com$`, `(?m)^\+ClientAliveInterval 60$`} {
		if !regexp.MustCompile(re).MatchString(r.out) {
			t.Errorf("the README's tasks: no %s in\n%s", re, r.out)
		}
	}
	wantBytes(t, "after check mode", map[string]string{filepath.Join(m.etc, "ssh_config"): "Host *\n    SendEnv LANG LC_*\n", filepath.Join(m.etc, "sshd_config"): sshd})
}

// TestAnsibleServerDropIn: drop_in writes sshd_config.d/00-keepalive.conf,
// and state absent with the same options finds the lines there.
func TestAnsibleServerDropIn(t *testing.T) {
	m := newServer(t)
	cfg := filepath.Join(m.etc, "sshd_config")
	main := "Include /etc/ssh/sshd_config.d/*.conf\nPort 22\nHostKey /etc/ssh/ssh_host_ed25519_key\n"
	writeFile(t, cfg, main, 0o644)
	dropIn := filepath.Join(m.etc, "sshd_config.d", "00-keepalive.conf")
	if err := os.MkdirAll(filepath.Dir(dropIn), 0o755); err != nil {
		t.Fatal(err)
	}
	tasks := m.module("drop-in", "target: server", "drop_in: true", "interval: 45")

	// test that the values go into the drop-in, which sshd reads
	m.play(t, tasks).want(t, "apply", 1, 0)
	wantBytes(t, "after apply", map[string]string{cfg: main})
	if got := readFile(t, dropIn); !strings.Contains(got, "ClientAliveInterval 45\n") {
		t.Fatalf("%s after apply:\n%s", dropIn, got)
	}
	got, err := openssh.SSHD(context.Background(), openssh.SSHDQuery{Sandbox: m.sandbox(), Env: m.env()})
	if err != nil || got.Get("clientaliveinterval") != "45" {
		t.Fatalf("sshd -T after apply: ClientAliveInterval %q, %v", got.Get("clientaliveinterval"), err)
	}
	m.play(t, tasks).want(t, "second run", 0, 0)

	// test that state absent, drop_in still set, removes them from the drop-in
	m.play(t, tasks, "-e", "keepalive_state=absent").want(t, "absent", 1, 0)
	wantBytes(t, "after absent", map[string]string{cfg: main})
	// keepalive created the drop-in, so disable takes it away once it
	// holds nothing else.
	if got, err := os.ReadFile(dropIn); err == nil || !os.IsNotExist(err) {
		t.Fatalf("%s after absent: %v\n%s", dropIn, err, got)
	}
}

// TestAnsibleReportShapes: the module reads keepalive's --json report in
// the shapes it may take (a diff per file, a list of reports, no "changed"
// key, a --check report without the diff), from a stand-in for keepalive
// that prints them.
func TestAnsibleReportShapes(t *testing.T) {
	m := newMachine(t)
	dir := t.TempDir()
	m.keepalive = filepath.Join(dir, "keepalive")
	writeFile(t, m.keepalive, `#!/bin/sh
mode=run
for a; do case $a in --check) mode=check ;; --dry-run) mode=dry ;; esac; done
cat "$(dirname "$0")/$mode.json"
exit "$(cat "$(dirname "$0")/$mode.rc")"
`, 0o755)
	const diff = `--- /etc/ssh/ssh_config\n+++ /etc/ssh/ssh_config\n@@ -1 +1,2 @@\n Host *\n+    ServerAliveInterval 77\n`
	for _, c := range []struct {
		name          string
		check, dryRun string // the reports of --check (exit 3) and --dry-run
		changed       int
	}{
		{"diff per file", `{"changed": true, "files": ["/etc/ssh/ssh_config"], "diff": {"/etc/ssh/ssh_config": "` + diff + `"}}`, "", 1},
		{"list of reports", `[{"changed": true, "file": "/etc/ssh/ssh_config", "diff": "` + diff + `"}, {"changed": false}]`, "", 1},
		{"no changed key", `{"files": ["/etc/ssh/ssh_config"], "diff": "` + diff + `"}`, "", 1},
		{"check without diff", `{"changed": true, "files": ["/etc/ssh/ssh_config"]}`, `{"changed": true, "diff": "` + diff + `"}`, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			for mode, report := range map[string]string{"check": c.check, "dry": c.dryRun, "run": "{}"} {
				rc := "0"
				if mode == "check" {
					rc = "3"
				}
				writeFile(t, filepath.Join(dir, mode+".json"), report, 0o644)
				writeFile(t, filepath.Join(dir, mode+".rc"), rc, 0o644)
			}
			r := m.play(t, m.module(c.name, "scope: system"), "--check", "--diff")
			r.want(t, c.name, c.changed, 0)
			if !strings.Contains(r.out, "+    ServerAliveInterval 77\n") {
				t.Errorf("%s: no diff in\n%s", c.name, r.out)
			}
		})
	}
}

package cli

import (
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/keepalive-ssh/keepalive/internal/putty"
)

// test that --app picks the program whose sessions are edited: putty is
// the file store here, kitty (a Windows program) says it works on Windows
// only, anything else is a usage error. On Windows, internal/winetest runs
// the same flags on PuTTY's and KiTTY's registry keys.
func TestPuttyAppFlag(t *testing.T) {
	unixOnly(t, "PuTTY's Unix file store; internal/winetest covers --app on Windows")
	_, dir := puttyHome(t, true)
	p := puttyPut(t, dir, "box", "HostName=box\n")
	m := puttyMachine()
	m.AppStore = func(app string) (putty.Store, error) {
		if app == "putty" {
			return m.PuttyStore()
		}
		return putty.AppStore(app)
	}

	code, out, errs := puttyRunOn(*m, "putty", "--app", "putty", "--session", "box", "--interval", "60")
	if code != 0 || !strings.Contains(out, `PuTTY session "box" keep-alive 60s (was off)`) {
		t.Errorf("--app putty: exit %d\n%s%s", code, out, errs)
	}
	if data, _ := os.ReadFile(p); string(data) != "HostName=box\nPingInterval=0\nPingIntervalSecs=60\n" {
		t.Errorf("session file: %q", data)
	}

	code, _, errs = puttyRunOn(*m, "putty", "--app", "kitty")
	if want := "keepalive: KiTTY keeps its sessions in the Windows registry: --app kitty works on Windows only\n"; code != 1 || errs != want {
		t.Errorf("--app kitty on %s: exit %d, stderr %q, want 1, %q", runtime.GOOS, code, errs, want)
	}
	code, _, errs = puttyRunOn(*m, "putty", "--app", "mobaxterm")
	if code != 2 || !strings.Contains(errs, `invalid --app "mobaxterm": want putty or kitty`) {
		t.Errorf("--app mobaxterm: exit %d, %q", code, errs)
	}
	code, _, errs = puttyRunOn(*m, "disable", "--app", "putty")
	if code != 2 || !strings.Contains(errs, "--session and --app go with --putty") {
		t.Errorf("disable --app without --putty: exit %d, %q", code, errs)
	}
	code, out, errs = puttyRunOn(*m, "disable", "--putty", "--app", "putty", "--session", "box")
	if code != 0 || !strings.Contains(out, `keep-alive restored to off (was 60s)`) {
		t.Errorf("disable --putty --app putty: exit %d\n%s%s", code, out, errs)
	}
}

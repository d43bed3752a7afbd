package openssh

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// DefaultPidFile is sshd's PidFile when the configuration names none
// (Debian, Fedora and upstream builds with --with-pid-dir=/run).
const DefaultPidFile = "/run/sshd.pid"

// systemdDir exists when systemd is the running init (sd_booted(3)).
const systemdDir = "/run/systemd/system"

// Units are the systemd units sshd runs as: "ssh" on Debian and Ubuntu,
// "sshd" on Fedora, RHEL, Arch and SUSE.
var Units = []string{"ssh", "sshd"}

// Reload says how to make the running sshd read its configuration again.
// A reload keeps established sessions; keepalive never restarts sshd.
type Reload struct {
	Unit      string // the active systemd unit, if sshd runs under systemd
	systemctl string // the systemctl that reloads Unit
	PidFile   string // else the PidFile of a running sshd
	Pid       int    // its process id; 0 when no sshd runs
}

// Running reports whether a running sshd was found.
func (r Reload) Running() bool { return r.Unit != "" || r.Pid > 0 }

// Command is the shell command that reloads sshd, or "" when none runs.
func (r Reload) Command() string {
	switch {
	case r.Unit != "":
		return "systemctl reload " + r.Unit
	case r.Pid > 0:
		return fmt.Sprintf("kill -HUP %d", r.Pid)
	}
	return ""
}

// FindReload works out how sshd runs here: an active systemd unit when
// systemd is running, else the process whose id is in pidFile (the
// PidFile of the configuration, DefaultPidFile when ""). A stale PidFile,
// or one naming a process that is not sshd, counts as no sshd running.
func FindReload(pidFile string) Reload { return FindReloadIn(systemdDir, pidFile) }

// FindReloadIn is FindReload with systemd's run directory at systemd (a
// directory that does not exist: systemd is not running).

func FindReloadIn(systemd, pidFile string) Reload {
	if fi, err := os.Stat(systemd); err == nil && fi.IsDir() {
		if systemctl, err := Find("systemctl"); err == nil {
			for _, u := range Units {
				ctx, cancel := context.WithTimeout(context.Background(), Timeout)
				err := exec.CommandContext(ctx, systemctl, "is-active", "--quiet", u+".service").Run()
				cancel()
				if err == nil {
					return Reload{Unit: u, systemctl: systemctl}
				}
			}
		}
	}
	if pidFile == "" {
		pidFile = DefaultPidFile
	}
	r := Reload{PidFile: pidFile}
	data, err := os.ReadFile(pidFile)
	if err != nil {
		return r
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || pid <= 1 || !isSSHD(pid) {
		return r
	}
	r.Pid = pid
	return r
}

// Do reloads sshd: `systemctl reload UNIT` (which runs sshd -t and sends
// SIGHUP), else SIGHUP to the pid, upon which sshd re-executes itself
// with the new configuration and keeps established sessions.
func (r Reload) Do() error {
	switch {
	case r.Unit != "":
		ctx, cancel := context.WithTimeout(context.Background(), Timeout)
		defer cancel()
		out, err := exec.CommandContext(ctx, r.systemctl, "reload", r.Unit).CombinedOutput()
		if err != nil {
			return fmt.Errorf("systemctl reload %s: %v: %s", r.Unit, err, strings.TrimSpace(string(out)))
		}
		return nil
	case r.Pid > 0:
		if err := hangup(r.Pid); err != nil {
			return fmt.Errorf("send SIGHUP to sshd (pid %d from %s): %w", r.Pid, r.PidFile, err)
		}
		return nil
	}
	return errors.New("no running sshd found")
}

// isSSHD reports whether pid is a live sshd process. Where /proc does not
// exist, a live process is taken for sshd.
func isSSHD(pid int) bool {
	if !alive(pid) {
		return false
	}
	comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	if err != nil {
		return true
	}
	return strings.TrimSpace(string(comm)) == "sshd"
}

package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/keepalive-ssh/keepalive/internal/cli"
	"github.com/keepalive-ssh/keepalive/internal/openssh"
	"github.com/keepalive-ssh/keepalive/internal/testenv"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"keepalive": func() { os.Exit(cli.Main(os.Args[1:], cli.SystemStreams())) },
	})
}

// TestScripts runs the CLI scenarios in testdata/script: each a txtar
// archive with the commands, the files they start from and what must come
// out, byte for byte.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			home := env.WorkDir + "/home"
			env.Setenv("HOME", home)
			env.Setenv("USERPROFILE", home)
			env.Setenv("NO_COLOR", "1")
			env.Setenv("SUDO_USER", "")
			return os.MkdirAll(home, 0o755)
		},
		Condition: condition,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"mode":  cmdMode,
			"mtime": cmdMtime,
			"exit":  cmdExit,
		},
	})
}

// cmdExit runs a program and checks its exit status, keeping its output
// for stdout and stderr:
//
//	exit 2 keepalive enable --interval 0
func cmdExit(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exit CODE PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exit: %q is not an exit status", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exit: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited %d, want %d", strings.Join(args[1:], " "), got, want)
	}
}

// condition answers [sshd]: whether the real sshd is installed. Under
// CI=true a missing sshd is an error, so that CI never passes by skipping.
func condition(cond string) (bool, error) {
	if cond != "sshd" {
		return false, fmt.Errorf("unknown condition %q", cond)
	}
	_, err := openssh.Find("sshd")
	if err != nil && testenv.InCI() {
		return false, fmt.Errorf("CI=true but %v", err)
	}
	return err == nil, nil
}

package edit

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/keepalive-ssh/keepalive/internal/openssh"
	"github.com/keepalive-ssh/keepalive/internal/placement"
)

// Validator checks an OpenSSH configuration with the program that reads
// it. Both methods get the whole Include tree with the contents to check.
type Validator interface {
	// Current checks the configuration as it is on disk: one the program
	// already rejects is reported and not edited.
	Current(t openssh.Tree) error
	// Candidate checks the edited configuration before it is written.
	Candidate(t openssh.Tree) error
}

// SSHD validates with `sshd -t` on a private copy of the tree and, for an
// enable, asks `sshd -T` whether the candidate gives the values asked for:
// the last word on what sshd will do, catching anything the resolver does
// not model.
type SSHD struct {
	Checker *openssh.Checker
	// Want are the values the candidate must give (none for disable).
	Want []placement.Setting
	// Spec is the -C connection spec of a --match edit ("" for the global
	// values); Skip says the criteria cannot be tested (Group needs real
	// accounts).
	Spec string
	Skip bool
}

func (v *SSHD) Current(t openssh.Tree) error {
	return rejected(v.Checker.TestTree(t), "sshd already rejects the current config, so keepalive changed nothing",
		"fix the line named above (sshd -t shows the same), then run keepalive again")
}

func (v *SSHD) Candidate(t openssh.Tree) error {
	if err := v.Checker.TestTree(t); err != nil {
		return rejected(err, "sshd would reject the edited config, so nothing was written",
			"this is a keepalive bug if the line named above is one it wrote; please report it")
	}
	if len(v.Want) == 0 || v.Skip {
		return nil
	}
	vals, err := v.Checker.DumpTree(t, v.Spec)
	if err != nil {
		// sshd -t accepted the config; -T can still refuse to print it
		// ("'Match LocalPort' in configuration but 'lport' not in
		// connection test specification", no privilege separation
		// directory), which says nothing about the edit.
		return nil
	}
	for _, set := range v.Want {
		if got := vals.Get(set.Key); got != set.Value {
			return hintedf("look for another "+set.Key+" that sshd reads first (sshd -T -f "+t.Main+")",
				"after the edit sshd -T still reports %s %s, not %s, so nothing was written", strings.ToLower(set.Key), got, set.Value)
		}
	}
	return nil
}

// SSH validates a client config with `ssh -G` on a private copy of its
// Include tree. ssh -G runs the commands of Match exec blocks, so it is
// used only on a configuration keepalive evaluated completely (see
// Config.Run).
type SSH struct {
	Checker *openssh.Checker
	Warn    io.Writer
}

func (v *SSH) Current(t openssh.Tree) error {
	return rejected(v.check(t), "ssh already rejects the current config, so keepalive changed nothing",
		"fix the line named above (ssh -G shows the same), then run keepalive again; --no-validate skips the check")
}

func (v *SSH) Candidate(t openssh.Tree) error {
	return rejected(v.check(t), "ssh would reject the edited config, so nothing was written",
		"this is a keepalive bug if the line named above is one it wrote; please report it")
}

// check runs ssh -G. ssh names the file and line of everything it refuses
// in a config; a failure that names none is about the machine ("No user
// exists for uid 1234"), and a run that did not finish says nothing about
// the file either: the edit goes on, unvalidated, and says so.
func (v *SSH) check(t openssh.Tree) error {
	err := v.Checker.TestTree(t)
	var rej *openssh.Rejected
	if err != nil && !errors.As(err, &rej) {
		// ssh did not get to say anything about the file (a timeout, a
		// copy it could not be given): that is no verdict on it.
		fmt.Fprintf(v.Warn, "keepalive: not validated with ssh -G: %v\n", err)
		return nil
	}
	if err == nil {
		return nil
	}
	for _, p := range rej.Problems {
		if p.File != "" {
			return err
		}
	}
	fmt.Fprintf(v.Warn, "keepalive: not validated with ssh -G: %v\n", err)
	return nil
}

// rejected reports a program's refusal with the offending path:line.
func rejected(err error, what, hint string) error {
	var rej *openssh.Rejected
	if !errors.As(err, &rej) {
		return err
	}
	// The first few are enough to find the file and what is wrong with
	// it (a binary file gets a complaint per line).
	const most = 5
	var msgs []string
	for i, p := range rej.Problems {
		if i == most {
			msgs = append(msgs, fmt.Sprintf("(and %d more)", len(rej.Problems)-most))
			break
		}
		msgs = append(msgs, p.String())
	}
	return hinted(fmt.Errorf("%s:\n  %s", what, strings.Join(msgs, "\n  ")), hint)
}

package cli

import (
	"os"
	"os/exec"
	"strconv"
	"sync"

	"github.com/keepalive-ssh/keepalive/internal/resolve"
)

// installedVersion returns a function that runs `ssh -V` the first time it
// is called, and only then, and returns the version it printed (unknown
// when ssh is missing): the OpenSSH release whose semantics the resolver
// follows where releases differ (resolve.Options.Version). One command run
// builds one and passes it to every evaluation.
func installedVersion() func() resolve.Version {
	return sync.OnceValue(func() resolve.Version {
		out, err := exec.Command("ssh", "-V").CombinedOutput()
		if err != nil {
			return resolve.Version{}
		}
		return resolve.ParseVersion(string(out))
	})
}

// localTokens fills what %-tokens of a client Include need from the local
// machine (OpenSSH 9.9 and later expand them) and the environment for
// ${VAR}.
func localTokens(o *resolve.Options) {
	o.Getenv = os.LookupEnv
	if h, err := os.Hostname(); err == nil {
		o.LocalHost = h
	}
	o.UID = strconv.Itoa(os.Getuid())
}

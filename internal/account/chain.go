package account

import (
	"os"
	"strconv"

	"github.com/keepalive-ssh/keepalive/internal/resolve"
	"github.com/keepalive-ssh/keepalive/internal/sshconf"
)

// The evaluation chains: which files OpenSSH reads, in which order, and
// what '~', the local user and the %-tokens mean in them. The caller adds
// the OpenSSH version (resolve.Options.Version) and, for a client, the host.

// EditChain is the chain of the client config an edit of a's changes: its
// ~/.ssh/config (inside root's image for --root), --system's or --file.
func (a Account) EditChain(file string, system bool, root string) resolve.Options {
	home := a.Home
	if root != "" && file == "" && !system {
		// The image's own user config: '~' and relative Includes are
		// that home's, inside the image.
		home = HomeIn(root, a.Name)
	}
	return localTokens(resolve.Options{
		Dialect:   sshconf.Client,
		FS:        resolve.FS{Root: root},
		Home:      home,
		Files:     a.ClientFiles(file, system, root, false),
		LocalUser: a.Name,
	})
}

// ShowChain is what ssh reads for v's user, as show evaluates it for host:
// the user's config, then the system one; or file alone, as with ssh -F.
func (v View) ShowChain(file, root, host string) resolve.Options {
	fsys := resolve.FS{Root: root}
	files := []resolve.Input{{Path: fsys.Real(v.UserConfig), User: true}, {Path: SystemClientConfig(root)}}
	if file != "" {
		files = []resolve.Input{{Path: file, User: true}} // ssh -F reads it as a user config
	}
	return localTokens(resolve.Options{Dialect: sshconf.Client, FS: fsys, Home: v.Home, Files: files, Host: host, LocalUser: v.LocalUser})
}

// ServerChain evaluates the sshd config main, under root.
func ServerChain(main, root string) resolve.Options {
	return resolve.Options{Dialect: sshconf.Server, FS: resolve.FS{Root: root}, Files: []resolve.Input{{Path: main}}}
}

// localTokens fills what the %-tokens of a client Include need from the
// local machine (OpenSSH 9.9 and later expand them), and the environment
// for ${VAR}.
func localTokens(o resolve.Options) resolve.Options {
	o.Getenv = os.LookupEnv
	if h, err := os.Hostname(); err == nil {
		o.LocalHost = h
	}
	o.UID = strconv.Itoa(os.Getuid())
	return o
}

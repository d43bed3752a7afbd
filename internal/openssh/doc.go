// Package openssh runs the real OpenSSH programs for what keepalive needs
// from them: finding ssh and sshd (Find), the effective values they compute
// (`ssh -G`, `sshd -T`, in dump.go), checking a candidate configuration
// with `sshd -t` on a private copy of its Include tree (check.go, tree.go)
// with a throwaway host key, the installed version (version.go), and
// making a running sshd read its configuration again (reload.go: systemd
// reload or SIGHUP, never a restart).
//
// Every run is bounded by Timeout; errors are typed (NotInstalledError,
// Rejected) so that callers never match on message text.
package openssh

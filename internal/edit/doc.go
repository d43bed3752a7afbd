// Package edit is keepalive's edit transaction: the one way a command
// changes an OpenSSH configuration or a PuTTY-family session store.
//
// For an OpenSSH configuration (Config) the steps are, under the lock of
// the main file: plan the edit (package placement), refuse a partial
// evaluation or a value that something else still overrides, validate the
// configuration as it is and the candidate (a Validator: sshd -t for the
// server), write every changed file atomically if it still holds what was
// read (package atomicfile), then an optional after-step (reload sshd).
// Dry runs and checks are the same path with no write. For sessions
// (Sessions) every change is planned before any is written.
//
// Both return a Result, which the cli prints one way for every command.
package edit

package cli

import (
	"errors"
	"fmt"

	"github.com/keepalive-ssh/keepalive/internal/edit"
	"github.com/keepalive-ssh/keepalive/internal/input"
	"github.com/keepalive-ssh/keepalive/internal/privilege"
)

// Exit codes (docs/SPEC.md "Output and exit codes").
const (
	exitOK      = 0
	exitFailure = 1 // the tool could not do it
	exitUsage   = 2 // bad usage
	exitChanged = 3 // --check: a change would be made
)

// cliError carries an exit code and an optional hint to the user.
type cliError struct {
	code int
	err  error
	hint string
}

func (e *cliError) Error() string { return e.err.Error() }
func (e *cliError) Unwrap() error { return e.err }

// usageErrorf reports bad usage: exit 2. The message names the flag and the
// accepted range.
func usageErrorf(format string, args ...any) error {
	return &cliError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

// withHint attaches a hint ("what to do") to err; the exit code stays 1
// unless err already carries another.
func withHint(err error, hint string) error {
	var ce *cliError
	if errors.As(err, &ce) {
		return &cliError{code: ce.code, err: ce.err, hint: hint}
	}
	return &cliError{code: exitFailure, err: err, hint: hint}
}

// exitCode maps an error returned by a command to the process exit code and
// its hint.
func exitCode(err error) (int, string) {
	var ce *cliError
	if errors.As(err, &ce) {
		return ce.code, ce.hint
	}
	var ie *input.Error
	if errors.As(err, &ie) {
		return exitUsage, ""
	}
	if r, ok := errors.AsType[*privilege.Refusal](err); ok {
		return exitFailure, r.Hint
	}
	var ee *edit.Error
	if errors.As(err, &ee) && ee.Hint != "" {
		return exitFailure, ee.Hint
	}
	return exitFailure, edit.HintFor(err)
}

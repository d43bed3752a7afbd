// Package sshconf is a lossless syntax tree for OpenSSH's ssh_config and
// sshd_config files.
//
// Parsing never fails: every line is kept with its exact bytes (indentation,
// separator, quotes, trailing comment, line ending, a byte-order mark), and
// printing an unedited File returns the input byte for byte. A line OpenSSH
// would reject (unbalanced quotes, a keyword without argument) is kept and
// flagged in Line.Err so callers can report it with its line number.
//
// Edits are typed methods on File (SetValue, Remove, Insert, InsertBlock).
// Only the lines an edit touches are rendered anew; new lines borrow the
// file's line ending and the indentation and separator of their neighbours.
//
// The package does no I/O: []byte in, []byte out.
package sshconf

package atomicfile

// rootOnly is never consulted on Windows, where scratch space is the
// user's temporary directory.
func rootOnly(string) bool { return false }

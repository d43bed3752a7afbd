package report

// badPermissions: Windows OpenSSH checks ACLs, which keepalive does not
// model.
func badPermissions(path string, checkOwner bool) string { return "" }

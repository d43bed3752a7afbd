package report

import "github.com/keepalive-ssh/keepalive/internal/resolve"

// badPermissions: Windows OpenSSH checks ACLs, which keepalive does not
// model.
func badPermissions(resolve.FS, string, bool) string { return "" }

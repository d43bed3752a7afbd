package resolve

import "io/fs"

// idOf cannot identify a file on Windows without opening it again: no
// deduplication there.
func idOf(fs.FileInfo) fileID { return fileID{} }

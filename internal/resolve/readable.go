package resolve

// Readable returns the error ReadFile would return for path, without
// reading a regular file whose size is known: opening it and its size say
// all (a read of a regular file fails only on an I/O error). Anything
// else (a directory, a device, a FIFO, /proc's files that claim a size of
// 0, a file beyond the limit) goes through ReadFile itself.
func (f FS) Readable(path string) error {
	fh, err := f.open(f.Real(path))
	if err != nil {
		return err
	}
	info, err := fh.Stat()
	fh.Close()
	if err == nil && info.Mode().IsRegular() && info.Size() > 0 && info.Size() <= maxFileSize {
		return nil
	}
	_, err = f.ReadFile(path)
	return err
}

package openssh

import (
	"bytes"
	"encoding/binary"
	"io"
	"os"
	"runtime"
	"strings"
)

// maxProgramSize bounds how much of a program ReleaseIn reads.
const maxProgramSize = 64 << 20

// ReleaseIn returns the release string an OpenSSH program compiled into
// itself (SSH_RELEASE: "OpenSSH_9.2p1 Debian-2+deb12u10"), which ssh -V
// prints before the TLS library's version, read from the program's file
// without running it. It returns false unless the file is an executable
// (ELF or Mach-O, not a script that runs another program) holding
// release strings of one release only and no string that looks like a
// release of another form; the caller then runs the program.
//
// Besides SSH_RELEASE a program holds the release without the
// distribution's suffix ("OpenSSH_9.2p1", the protocol banner) and
// patterns of peers' releases ("OpenSSH_7.4*", "OpenSSH_2*,OpenSSH_3*"),
// which have a '*' or ',' and are not release strings. Of the release
// strings, SSH_RELEASE is the longest.
func ReleaseIn(path string) (string, bool) {
	if runtime.GOOS == "windows" {
		return "", false // "OpenSSH_for_Windows_9.5p1": ask the program
	}
	f, err := os.Open(path)
	if err != nil {
		return "", false
	}
	defer f.Close()
	const chunk, keep = 64 << 10, 128 // keep: the longest release string looked for
	buf := make([]byte, keep+chunk)
	n, err := io.ReadFull(f, buf[:chunk])
	if n < 4 || !isExecutable(buf[:4]) {
		return "", false
	}
	// An ELF program's strings are in its .rodata section, a fifth of
	// ssh: only that is read when the section headers say where it is.
	if start, size, ok := elfRodata(f, buf[:n]); ok {
		r := io.NewSectionReader(f, start, size)
		n, err = io.ReadFull(r, buf[:chunk])
		return scanRelease(r, buf, n, err)
	}
	return scanRelease(f, buf, n, err)
}

// scanRelease finds the release strings in r, whose first n bytes are in
// buf (err: the error of reading them), as ReleaseIn says.
func scanRelease(r io.Reader, buf []byte, n int, err error) (string, bool) {
	const chunk, keep = 64 << 10, 128
	var release string
	first := ""        // MAJOR.MINOR of the first release string
	off, total := 0, n // buf[off:off+n] holds the bytes read so far that are still looked at
	for {
		data := buf[:off+n]
		start := 0
		for {
			i := bytes.Index(data[start:], []byte("OpenSSH_"))
			if i < 0 {
				break
			}
			i += start
			rel, what := releaseAt(data[i:])
			if what == foundCut && err == nil {
				break // cut by the end of the buffer: look again with the next chunk
			}
			if what == foundUnsure {
				return "", false
			}
			if what == foundRelease {
				ver := rel[:len("OpenSSH_")+versionLen(rel[len("OpenSSH_"):])]
				switch {
				case first == "":
					first = ver
				case first != ver:
					return "", false // two releases: which one runs is not for keepalive to guess
				}
				if len(rel) > len(release) {
					release = rel
				}
			}
			start = i + 1
		}
		if err != nil { // io.EOF, io.ErrUnexpectedEOF or a read error
			if err != io.EOF && err != io.ErrUnexpectedEOF {
				return "", false
			}
			break
		}
		// Keep the tail that may begin a release string cut by the chunk.
		tail := len(data) - keep
		if start > tail {
			tail = start
		}
		off = copy(buf, data[tail:])
		if total > maxProgramSize {
			return "", false
		}
		n, err = io.ReadFull(r, buf[off:off+chunk])
		total += n
	}
	return release, release != ""
}

// isExecutable reports whether a file starting with magic is an ELF or
// Mach-O (thin or universal) program.
func isExecutable(magic []byte) bool {
	switch string(magic) {
	case "\x7fELF",
		"\xfe\xed\xfa\xce", "\xce\xfa\xed\xfe", // Mach-O 32-bit
		"\xfe\xed\xfa\xcf", "\xcf\xfa\xed\xfe", // Mach-O 64-bit
		"\xca\xfe\xba\xbe": // universal
		return true
	}
	return false
}

// What releaseAt found.
type found int

const (
	foundOther   found = iota // not a release: a pattern of peers' releases ('*' or ','), another name
	foundRelease              // SSH_RELEASE's form
	foundUnsure               // a release of another form: ReleaseIn leaves it to the program
	foundCut                  // the buffer ends before the string
)

// releaseAt reads the C string at b ("OpenSSH_..."). It has SSH_RELEASE's
// form if it is "OpenSSH_" MAJOR "." MINOR, an optional portable suffix
// ("p1"), an optional distribution suffix after one space (letters,
// digits and ".+~_-"), then NUL.
func releaseAt(b []byte) (string, found) {
	const prefix = len("OpenSSH_")
	end := bytes.IndexByte(b, 0)
	terminated := end >= 0
	if !terminated {
		if len(b) <= 127 {
			return "", foundCut
		}
		end = 128 // not a C string of a sensible length: its start
	}
	s := string(b[:end])
	rest := s[prefix:]
	n := versionLen(rest)
	switch {
	case n == 0 || strings.ContainsAny(s, "*,"):
		return "", foundOther
	case !terminated:
		return "", foundUnsure
	}
	rest = rest[n:]
	if len(rest) > 1 && rest[0] == 'p' && digits(rest[1:]) > 0 {
		rest = rest[1+digits(rest[1:]):]
	}
	if rest == "" {
		return s, foundRelease
	}
	if rest[0] != ' ' || len(rest) == 1 {
		return "", foundUnsure
	}
	for _, c := range []byte(rest[1:]) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '+' || c == '~' || c == '_' || c == '-') {
			return "", foundUnsure
		}
	}
	return s, foundRelease
}

// versionLen is the length of the MAJOR.MINOR at the start of s, 0 if none.
func versionLen(s string) int {
	m := digits(s)
	if m == 0 || m >= len(s) || s[m] != '.' {
		return 0
	}
	n := digits(s[m+1:])
	if n == 0 {
		return 0
	}
	return m + 1 + n
}

// digits counts the ASCII digits at the start of s.
func digits(s string) int {
	n := 0
	for n < len(s) && '0' <= s[n] && s[n] <= '9' {
		n++
	}
	return n
}

// elfRodata returns where the .rodata section of a 64-bit little-endian
// ELF file lies (head: the file's first bytes), from its section headers;
// ok false for any other file, or one whose headers do not say.
func elfRodata(f io.ReaderAt, head []byte) (start, size int64, ok bool) {
	if len(head) < 64 || string(head[:4]) != "\x7fELF" || head[4] != 2 || head[5] != 1 {
		return 0, 0, false
	}
	le := binary.LittleEndian
	shoff, shentsize, shnum, shstrndx := int64(le.Uint64(head[0x28:])), le.Uint16(head[0x3a:]), int(le.Uint16(head[0x3c:])), int(le.Uint16(head[0x3e:]))
	if shentsize != 64 || shnum == 0 || shnum > 1024 || shstrndx >= shnum || shoff <= 0 {
		return 0, 0, false
	}
	table := make([]byte, shnum*64)
	if _, err := f.ReadAt(table, shoff); err != nil {
		return 0, 0, false
	}
	section := func(i int) (name uint32, off, size int64) {
		h := table[i*64:]
		return le.Uint32(h), int64(le.Uint64(h[24:])), int64(le.Uint64(h[32:]))
	}
	_, strOff, strSize := section(shstrndx)
	if strSize <= 0 || strSize > 1<<20 {
		return 0, 0, false
	}
	names := make([]byte, strSize)
	if _, err := f.ReadAt(names, strOff); err != nil {
		return 0, 0, false
	}
	for i := range shnum {
		name, off, size := section(i)
		if int64(name)+8 <= strSize && string(names[name:name+8]) == ".rodata\x00" {
			return off, size, off > 0 && size > 0 && size <= maxProgramSize
		}
	}
	return 0, 0, false
}

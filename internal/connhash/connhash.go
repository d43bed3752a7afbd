// Package connhash computes OpenSSH's connection hash, the %C token of
// ssh_config: the SHA-1 of %l%h%p%r%j in lower-case hex.
//
// SHA-1 is written out here (FIPS 180-4, section 6.1) rather than taken
// from crypto/sha1: that package brings Go's FIPS 140 module along (its
// self-checks, DRBG, AES, SHA-2 and SHA-3), which every keepalive run would
// map and initialize for a token that only names files. Nothing here is
// used for security.
package connhash

import (
	"encoding/binary"
	"encoding/hex"
	"math/bits"
)

// Hash is OpenSSH's ssh_connection_hash: hex SHA-1 of the local host name,
// the host, the port, the remote user and the ProxyJump value, concatenated.
func Hash(local, host, port, user, jump string) string {
	sum := SHA1([]byte(local + host + port + user + jump))
	return hex.EncodeToString(sum[:])
}

// SHA1 is the SHA-1 digest of msg.
func SHA1(msg []byte) [20]byte {
	h := [5]uint32{0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0}
	// Padding: a 1 bit, zeros up to 56 bytes mod 64, the length in bits.
	n := len(msg)
	padded := make([]byte, (n+8)/64*64+64)
	copy(padded, msg)
	padded[n] = 0x80
	binary.BigEndian.PutUint64(padded[len(padded)-8:], uint64(n)*8)
	var w [80]uint32
	for blk := padded; len(blk) > 0; blk = blk[64:] {
		for i := range 16 {
			w[i] = binary.BigEndian.Uint32(blk[4*i:])
		}
		for i := 16; i < 80; i++ {
			w[i] = bits.RotateLeft32(w[i-3]^w[i-8]^w[i-14]^w[i-16], 1)
		}
		a, b, c, d, e := h[0], h[1], h[2], h[3], h[4]
		for i := range 80 {
			var f, k uint32
			switch {
			case i < 20:
				f, k = b&c|^b&d, 0x5A827999
			case i < 40:
				f, k = b^c^d, 0x6ED9EBA1
			case i < 60:
				f, k = b&c|b&d|c&d, 0x8F1BBCDC
			default:
				f, k = b^c^d, 0xCA62C1D6
			}
			t := bits.RotateLeft32(a, 5) + f + e + k + w[i]
			a, b, c, d, e = t, a, bits.RotateLeft32(b, 30), c, d
		}
		h[0] += a
		h[1] += b
		h[2] += c
		h[3] += d
		h[4] += e
	}
	var sum [20]byte
	for i, v := range h {
		binary.BigEndian.PutUint32(sum[4*i:], v)
	}
	return sum
}

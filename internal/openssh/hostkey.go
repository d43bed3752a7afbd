package openssh

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"fmt"

	"github.com/keepalive-ssh/keepalive/internal/atomicfile"
)

// HostKeyName is the name of the throwaway host key in a scratch directory.
const HostKeyName = "ssh_host_ecdsa_key"

// HostKey is a throwaway host key in a scratch directory of its own, for
// one `sshd -T` run (show --verify). Close removes it.
type HostKey struct {
	Path    string
	scratch *atomicfile.Scratch
}

// NewHostKey makes a HostKey.
func NewHostKey() (*HostKey, error) {
	s, err := atomicfile.NewScratch()
	if err != nil {
		return nil, err
	}
	path, err := writeHostKey(s)
	if err != nil {
		s.Close()
		return nil, err
	}
	return &HostKey{Path: path, scratch: s}, nil
}

// Close removes the key and its directory.
func (k *HostKey) Close() error { return k.scratch.Close() }

// writeHostKey writes a new ECDSA P-256 private key, readable only by its
// owner, into the scratch directory and returns its path: enough for
// `sshd -t/-T -h KEY`, which refuses to run without a host key it can
// read. The key is never used to accept a connection.
func writeHostKey(s *atomicfile.Scratch) (string, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", fmt.Errorf("generate a host key: %w", err)
	}
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return "", fmt.Errorf("generate a host key: %w", err)
	}
	data := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})
	if err := s.WriteFile(HostKeyName, data); err != nil {
		return "", fmt.Errorf("write a throwaway host key: %w", err)
	}
	return s.Path(HostKeyName), nil
}

package oracle

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
)

// ThrowawayHostKey writes a new ECDSA P-256 private key, readable only by
// its owner, into dir and returns its path: enough for `sshd -T -h KEY`,
// which refuses to run without a host key it can read. The key is never
// used to accept a connection.
func ThrowawayHostKey(dir string) (string, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", fmt.Errorf("generate a host key: %w", err)
	}
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return "", fmt.Errorf("generate a host key: %w", err)
	}
	path := filepath.Join(dir, "ssh_host_ecdsa_key")
	data := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return "", fmt.Errorf("write a throwaway host key: %w", err)
	}
	return path, nil
}

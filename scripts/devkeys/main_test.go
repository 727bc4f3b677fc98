package main

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// The pair is made once, private half 0600, and the two halves match; a second run keeps it.
func TestRun(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pds")
	require.NoError(t, run(dir))
	priv, err := os.ReadFile(filepath.Join(dir, "jwt-app.key"))
	require.NoError(t, err)
	st, err := os.Stat(filepath.Join(dir, "jwt-app.key"))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	pub, err := os.ReadFile(filepath.Join(dir, "jwt-app.pub"))
	require.NoError(t, err)
	b, _ := pem.Decode(priv)
	key, err := x509.ParsePKCS1PrivateKey(b.Bytes)
	require.NoError(t, err)
	b, _ = pem.Decode(pub)
	pk, err := x509.ParsePKIXPublicKey(b.Bytes)
	require.NoError(t, err)
	require.True(t, key.PublicKey.Equal(pk))

	require.NoError(t, run(dir))
	again, err := os.ReadFile(filepath.Join(dir, "jwt-app.key"))
	require.NoError(t, err)
	require.Equal(t, priv, again, "a second run replaced the pair")
}

// Command devkeys makes the development key pair of the PDS emulator's JWT app, once:
//
//	go run ./scripts/devkeys -dir .dev/pds
//
// It writes DIR/jwt-app.key (the RSA private key, PKCS#1 PEM, mode 0600: what the token
// function signs assertions with, PDS_PRIVATE_KEY) and DIR/jwt-app.pub (its public key,
// PKIX PEM: what `scripts/emulator -provider pds -pds-jwt-public-key` verifies with), and
// keeps a pair that is already there. DIR is git-ignored (.dev/). Never use it in production:
// a real app's key pair is made in the PDS console, and its private key stays in your
// secret store.
package main

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

func main() {
	dir := flag.String("dir", ".dev/pds", "folder of the key pair")
	flag.Parse()
	if err := run(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "devkeys:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	priv, pub := filepath.Join(dir, "jwt-app.key"), filepath.Join(dir, "jwt-app.pub")
	if _, err := os.Stat(priv); err == nil {
		if _, err := os.Stat(pub); err == nil {
			fmt.Printf("PDS dev key pair: %s, %s (kept)\n", priv, pub)
			return nil
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return err
	}
	// The public key first: a pair is complete only once its private half exists.
	if err := os.WriteFile(pub, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o644); err != nil {
		return err
	}
	tmp := priv + ".tmp"
	if err := os.WriteFile(tmp, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600); err != nil {
		return err
	}
	if err := os.Rename(tmp, priv); err != nil {
		return err
	}
	fmt.Printf("PDS dev key pair: %s, %s (made)\n", priv, pub)
	return nil
}

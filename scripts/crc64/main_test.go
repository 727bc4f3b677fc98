package main

import (
	"bytes"
	"hash/crc64"
	"os"
	"path/filepath"
	"testing"

	"github.com/ferry-upload/ferry/shared/hashes"
)

// The command agrees with the CRC-64 the engine and the emulator compute.
func TestSumMatchesSMH(t *testing.T) {
	table := crc64.MakeTable(crc64.ECMA)
	for _, data := range [][]byte{nil, []byte("smoke\n"), bytes.Repeat([]byte("0123456789"), 400_000)} {
		name := filepath.Join(t.TempDir(), "f")
		if err := os.WriteFile(name, data, 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := sum(name, table)
		if err != nil {
			t.Fatal(err)
		}
		if want := hashes.CRC64(data); got != want {
			t.Fatalf("%d bytes: %d, want %d", len(data), got, want)
		}
	}
}

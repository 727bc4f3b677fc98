// Command crc64 prints the CRC-64/XZ (ECMA-182, as SMH and COS compute it) of each file,
// in decimal as /v1/confirm takes it:
//
//	go run ./scripts/crc64 FILE...
//
// It streams, so files of any size take constant memory.
package main

import (
	"fmt"
	"hash/crc64"
	"io"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: go run ./scripts/crc64 FILE...")
		os.Exit(2)
	}
	table := crc64.MakeTable(crc64.ECMA)
	failed := false
	for _, name := range os.Args[1:] {
		crc, err := sum(name, table)
		if err != nil {
			fmt.Fprintln(os.Stderr, "crc64:", err)
			failed = true
			continue
		}
		if len(os.Args) > 2 {
			fmt.Printf("%d  %s\n", crc, name)
		} else {
			fmt.Println(crc)
		}
	}
	if failed {
		os.Exit(1)
	}
}

func sum(name string, table *crc64.Table) (uint64, error) {
	f, err := os.Open(name)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	h := crc64.New(table)
	if _, err := io.Copy(h, f); err != nil {
		return 0, err
	}
	return h.Sum64(), nil
}

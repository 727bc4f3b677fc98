//go:build !(js && wasm)

// Command wasm is Ferry's upload worker; it only runs as GOOS=js GOARCH=wasm (see main.go
// and scripts/build-wasm). This stub keeps `go build ./...` and `go vet ./...` working
// natively.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "ferry's worker runs in a browser: build it with scripts/build-wasm (GOOS=js GOARCH=wasm)")
	os.Exit(2)
}

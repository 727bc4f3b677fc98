// Command sri prints the Subresource Integrity hashes (sha384) of the files a page loads
// from Ferry's web/ folder, and a script tag to copy:
//
//	go run ./scripts/sri [-dir web] [-base https://cdn.example.com/ferry/]
//
// Only ferry.js goes into the page's HTML (with integrity and crossorigin="anonymous");
// the other hashes let a host check what it publishes.
package main

import (
	"crypto/sha512"
	"encoding/base64"
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

var files = []string{"ferry.js", "worker.js", "wasm_exec.js", "ferry.wasm"}

func main() {
	dir := flag.String("dir", "web", "folder holding the built files")
	base := flag.String("base", "https://HOST/PATH/", "where the files will be served from, for the example tag")
	flag.Parse()

	missing := 0
	var loader string
	for _, name := range files {
		b, err := os.ReadFile(filepath.Join(*dir, name))
		if err != nil {
			fmt.Printf("  %-13s (missing: %v)\n", name, err)
			missing++
			continue
		}
		sum := sha512.Sum384(b)
		h := "sha384-" + base64.StdEncoding.EncodeToString(sum[:])
		if name == "ferry.js" {
			loader = h
		}
		fmt.Printf("  %-13s %s  (%d bytes)\n", name, h, len(b))
	}
	if loader != "" {
		fmt.Printf("\n  <script src=\"%sferry.js\" integrity=\"%s\" crossorigin=\"anonymous\" defer></script>\n", *base, loader)
	}
	if missing > 0 {
		os.Exit(1)
	}
}

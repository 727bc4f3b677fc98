// Command buildwidget builds web/ferry.js, the one script a page includes, from the files of
// web/src/: it concatenates them in a fixed order (order in build.go) into one IIFE, under a
// header that says the output is generated. Run from the repository root:
//
//	scripts/build-widget           # writes web/ferry.js (commit it)
//	scripts/build-widget -check    # exits 1 when web/ferry.js is not what web/src/ builds
//
// No bundler and no ES modules: the page loads one classic script with one SRI hash.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	src := flag.String("src", "web/src", "folder of the widget's source files")
	out := flag.String("out", "web/ferry.js", "the file to write")
	check := flag.Bool("check", false, "write nothing; exit 1 when the output file is stale")
	flag.Parse()

	b, err := build(os.DirFS(*src))
	if err != nil {
		fmt.Fprintln(os.Stderr, "build-widget:", err)
		os.Exit(1)
	}
	old, _ := os.ReadFile(*out)
	switch {
	case bytes.Equal(old, b):
		fmt.Printf("%s is up to date (%d files from %s)\n", *out, len(order), *src)
	case *check:
		fmt.Fprintf(os.Stderr, "build-widget: %s is stale: run scripts/build-widget and commit it\n", *out)
		os.Exit(1)
	default:
		if err := writeFile(*out, b); err != nil {
			fmt.Fprintln(os.Stderr, "build-widget:", err)
			os.Exit(1)
		}
		fmt.Printf("wrote %s: %d bytes from %d files in %s\n", *out, len(b), len(order), *src)
	}
}

// writeFile replaces path through a temporary file beside it, so a server reading web/ never
// sees half a script.
func writeFile(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".ferry.js.*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
